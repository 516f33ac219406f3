import { type LoadedPrices, pricesFor } from "../cost/loadPrices.js";
import { deploymentCost } from "../cost/runCost.js";
import { InputError } from "../errors.js";
import type { LoadedScenario } from "../scenario/index.js";
import { linkedOverrides, loadLink, USERS_PATH } from "../sweep/linkedLoad.js";
import { candidateDeployments, dominates, type FixedSizes, fitsFixed } from "./candidates.js";
import type { Assessment, Check } from "./checks.js";
import { type Demand, demandOf, isSizeable, maxDemand } from "./demand.js";
import {
  type Deployment,
  deploymentOf,
  deploymentOverrides,
  sameDeployment,
  totalVcpu,
} from "./deployment.js";
import { type Failure, failsLike, failureOf } from "./dominance.js";
import { earlyReplications, simulateSequentially } from "./earlyReject.js";
import type { ReferenceTier } from "./guidanceSchema.js";
import { nearestReferenceArchitecture, referenceDeployment } from "./referenceArchitectures.js";
import { type MeasuredLoad, measureLoad, screen } from "./screen.js";
import { type SearchContext, simulate, variant } from "./simulate.js";
import { coderSizingRules, type RulesSizing } from "./sizingRules.js";

export interface PlanOptions {
  users: number;
  /** Search simulations at most, besides the rules and reference runs (default 20). */
  maxSimulations?: number;
  fixed?: FixedSizes;
  /**
   * N+1 sizing: "replica-loss" also simulates each deployment with one coderd replica fewer (what is
   * left after a replica is lost) and accepts it only if that holds every check too.
   */
  survive?: "replica-loss";
  onSimulation?: (s: PlanSimulation) => void;
  /** Prices candidates are ranked by; default the scenario's price table. */
  prices?: LoadedPrices;
  /**
   * Reject a search candidate or comparison run on its first replications when a check fails clearly
   * there (src/plan/earlyReject.ts); default true. Not with `survive`.
   */
  earlyReject?: boolean;
}

export type SimulationRole = "rules" | "reference" | "candidate" | "provisioners";

export interface PlanSimulation {
  role: SimulationRole;
  deployment: Deployment;
  vcpu: number;
  /** Monthly cost of coderd, provisioners and the database at list prices: what the search minimises. */
  cost: DeploymentCost;
  assessment: Assessment;
  /** Replications the assessment rests on. */
  replications: number;
  /** Rejected on fewer replications than the search's: a check failed with its whole CI (src/plan/earlyReject.ts). */
  rejectedEarly: boolean;
  demand: Demand;
  /** The simulated variant (src/uncertainty re-runs it under the model's uncertainty). */
  loaded?: LoadedScenario;
  /** Set when this deployment was not simulated: why its verdict follows from one that was. */
  inferred?: string;
}

export interface DeploymentCost {
  currency: string;
  total: number;
  components: Record<string, number>;
  assumptions: string[];
}

export type PlanStatus = "found" | "best_seen" | "none";

export interface PlanResult {
  status: PlanStatus;
  users: number;
  workspaces: number;
  concurrentBuilds: number;
  recommended: PlanSimulation | null;
  rules: { sizing: RulesSizing; simulation: PlanSimulation };
  reference: { architecture: ReferenceTier; simulation: PlanSimulation };
  /** The demand estimate the search used (largest seen). */
  demand: Demand;
  simulations: PlanSimulation[];
  /** Candidates removed without simulating: by the asymptotic bounds, by MVA, by dominance. */
  pruned: { utilisationLaw: number; mva: number; dominated: number };
  /** Provisioners sized by simulation (a build SLO was given) or one per concurrent build. */
  provisionersBySimulation: boolean;
  /** Checks that fail and that no size in the search space changes (e.g. a single lock). */
  unsizeable: Check[];
  /** The price table the search ranked by. */
  prices: LoadedPrices;
  /** The costliest failed run with less coderd or database than the recommendation: why it is not smaller. */
  nearestRejected: PlanSimulation | null;
}

export type { FixedSizes } from "./candidates.js";
export type { Demand } from "./demand.js";

/** Metrics of the prepare stage: an SLO on them makes the provisioner count part of the search. */
const BUILD_METRICS = /^(provisioner_|workspace_ready)/;

/**
 * The cheapest deployment (monthly cost at list prices, models/prices) that holds `users` under the checks, by simulation. It first
 * simulates what Coder's sizing rules give (and the nearest reference architecture when it is reached or
 * cannot be inferred), measures each CPU's service demand and the think time from those runs
 * (src/plan/screen.ts), then simulates candidates in cost order, skipping those the asymptotic bounds put far over the cap, those whose latency MVA puts far
 * over an SLO, and those no bigger than one that already failed. Only a simulated
 * deployment whose every check held is ever recommended.
 */
export function planDeployment(ctx: SearchContext, opts: PlanOptions): PlanResult {
  if (!(Number.isInteger(opts.users) && opts.users > 0)) {
    throw new InputError({ file: "--users", path: "", message: "expected a positive whole number of users" });
  }
  const link = loadLink(ctx.base, ctx.sets, [USERS_PATH]);
  const loadOverrides = [`${USERS_PATH}=${opts.users}`, ...linkedOverrides(link, opts.users)];
  const atUsers = variant(ctx, loadOverrides).scenario;
  const workspaces = atUsers.workload.workspaces;
  const concurrency = atUsers.workload.builds.create_concurrency;
  const concurrentBuilds = Math.max(1, Math.min(concurrency === 0 ? workspaces : concurrency, workspaces));
  const base = deploymentOf(atUsers);
  const fixed = opts.fixed ?? {};
  const provisionersBySimulation = ctx.checks.slos.some((s) => BUILD_METRICS.test(s.name));
  const prices = opts.prices ?? pricesFor(ctx.base.scenario, ctx.base.file);
  const costOf = (d: Deployment): DeploymentCost => ({
    currency: prices.table.currency,
    ...deploymentCost(d, prices),
  });
  // Cheaper first; at equal cost (or where nothing is priced) fewer vCPU, then fewer replicas.
  const byCost = (a: Deployment, b: Deployment) =>
    costOf(a).total - costOf(b).total || totalVcpu(a) - totalVcpu(b) || a.coderdReplicas - b.coderdReplicas;

  const simulations: PlanSimulation[] = [];
  // What each run measured: the screen's service demands, think time and latencies.
  const loads: MeasuredLoad[] = [];
  const sources = opts.users + workspaces;
  const variantOf = (d: Deployment) => variant(ctx, [...loadOverrides, ...deploymentOverrides(d)]);
  // A run that fails clearly on its first replications needs no more (its verdict would not change);
  // the provisioner bisection compares counts on every replication.
  const early = opts.earlyReject === false || opts.survive ? undefined : earlyReplications(ctx.replications);
  const run = (deployment: Deployment, role: SimulationRole): PlanSimulation => {
    const v = variantOf(deployment);
    const s = role !== "provisioners" && early ? simulateSequentially(ctx, v, early) : simulate(ctx, v);
    const load = measureLoad(s.outcome, deployment, sources, ctx.checks.slos);
    if (load) loads.push(load);
    const sim = {
      role,
      deployment,
      vcpu: totalVcpu(deployment),
      cost: costOf(deployment),
      assessment: opts.survive ? survivingAssessment(deployment, s.assessment) : s.assessment,
      replications: s.replications,
      rejectedEarly: s.replications < ctx.replications,
      demand: demandOf(s),
      loaded: s.loaded,
    };
    simulations.push(sim);
    opts.onSimulation?.(sim);
    return sim;
  };

  /** With --survive replica-loss: the deployment must also hold every check with one replica fewer. */
  function survivingAssessment(deployment: Deployment, whole: Assessment): Assessment {
    const lossCheck = (name: string, holds: boolean, value: number | null): Check => ({
      kind: "util",
      name,
      op: ">=",
      threshold: 2,
      value,
      ci: null,
      holds,
      margin: holds ? 0 : -1,
      clear: true,
    });
    if (deployment.coderdReplicas < 2) {
      const check = lossCheck("coderd replicas (to survive losing one)", false, deployment.coderdReplicas);
      return {
        ...whole,
        passes: false,
        checks: [...whole.checks, check],
        failing: [check, ...whole.failing],
      };
    }
    const fewer = { ...deployment, coderdReplicas: deployment.coderdReplicas - 1 };
    const after = simulate(ctx, variant(ctx, [...loadOverrides, ...deploymentOverrides(fewer)])).assessment;
    const renamed = (c: Check): Check => ({ ...c, name: `${c.name} after losing a replica` });
    const failing = [...whole.failing, ...after.failing.map(renamed)];
    return {
      passes: whole.passes && after.passes,
      clear: whole.clear && after.clear,
      checks: [...whole.checks, ...after.checks.map(renamed)],
      failing,
      tightest: whole.tightest,
    };
  }

  // What the published guidance gives: simulated for comparison, and the first demand estimate.
  const sizing = coderSizingRules({ users: opts.users, activeUsers: workspaces, concurrentBuilds });
  const architecture = nearestReferenceArchitecture(opts.users);
  const refDeployment = referenceDeployment(architecture);
  // The reference is simulated when the search reaches its cost (where, passing, it would end the search),
  // or at the end unless its verdict follows from a simulated deployment it has every size of (the
  // monotonicity dominance pruning assumes); at once when the rules fail a check no size changes
  // (confirming that takes both runs). Until then the screen has no second latency anchor (no MVA step).
  // Until then its replications are run-ahead work behind the search's own: cores the search leaves idle
  // run them, and they are let go when the reference is inferred.
  const referenceAhead = () =>
    referenceSim ? [] : [{ loaded: variantOf(refDeployment), replications: ctx.replications }];
  let referenceSim: PlanSimulation | undefined;
  ctx.prefetch?.([
    { loaded: variantOf(sizing.deployment), replications: early ?? ctx.replications },
    ...(sameDeployment(refDeployment, sizing.deployment) ? [] : referenceAhead()),
  ]);
  const rulesSim = run(sizing.deployment, "rules");
  const rulesUnsizeable = rulesSim.assessment.failing.filter((c) => !isSizeable(c));
  if (sameDeployment(refDeployment, sizing.deployment)) referenceSim = rulesSim;
  else if (rulesUnsizeable.length > 0) referenceSim = run(refDeployment, "reference");
  let demand = maxDemand(rulesSim.demand, (referenceSim ?? rulesSim).demand);

  // A check failing in both comparison runs on a resource no size changes cannot be planned away.
  const reference = referenceSim;
  const unsizeable = reference
    ? rulesUnsizeable.filter((c) => reference.assessment.failing.some((r) => r.name === c.name))
    : [];

  // Comparison runs count as answers only if they respect the sizes the user pinned.
  const passingRuns = () =>
    simulations
      .filter((s) => s.assessment.passes && fitsFixed(s.deployment, fixed))
      .sort((a, b) => byCost(a.deployment, b.deployment));

  const candidates = candidateDeployments(
    fixed,
    {
      provisioners: concurrentBuilds,
      provisionerVcpu: base.provisionerVcpu,
      provisionerMemoryGb: base.provisionerMemoryGb,
      coderdGbPerVcpu: base.coderdMemoryGb / base.coderdVcpu,
      dbGbPerVcpu: base.dbMemoryGb / base.dbVcpu,
    },
    byCost,
  );

  const budget = opts.maxSimulations ?? 20;
  let searchRuns = 0;
  // Failing comparison runs prune too: nothing no bigger than a failed deployment (or no bigger on the CPU
  // it failed on) can pass.
  const failed: Failure[] = simulations
    .filter((s) => !s.assessment.passes)
    .map((s) => failureOf(s.deployment, s.assessment));
  const pruned = { utilisationLaw: 0, mva: 0, dominated: 0 };
  let found: PlanSimulation | null = null;
  // With N+1 sizing the load must fit the replicas left after losing one.
  const sized = (d: Deployment) => (opts.survive ? { ...d, coderdReplicas: d.coderdReplicas - 1 } : d);
  const skip = (candidate: Deployment): keyof typeof pruned | null => {
    if (failed.some((f) => failsLike(f, candidate))) return "dominated";
    if (opts.survive && candidate.coderdReplicas < 2) return "utilisationLaw";
    const verdict = screen(loads, sized(candidate), ctx.checks.maxUtil, 1, referenceSim !== undefined);
    return verdict.keep ? null : verdict.step === "bounds" ? "utilisationLaw" : "mva";
  };
  if (unsizeable.length === 0) {
    for (const [i, candidate] of candidates.entries()) {
      if (!referenceSim && byCost(refDeployment, candidate) <= 0) {
        referenceSim = run(refDeployment, "reference");
        demand = maxDemand(demand, referenceSim.demand);
        if (!referenceSim.assessment.passes) failed.push(failureOf(refDeployment, referenceSim.assessment));
      }
      // A passing deployment already simulated (rules, reference) that costs no more ends the search.
      const cheapestPassing = passingRuns()[0];
      if (cheapestPassing && byCost(cheapestPassing.deployment, candidate) <= 0) {
        found = cheapestPassing;
        break;
      }
      const reason = skip(candidate);
      if (reason) {
        pruned[reason]++;
        continue;
      }
      const known = simulations.find((s) => sameDeployment(s.deployment, candidate));
      if (!known && searchRuns >= budget) break;
      if (!known) {
        searchRuns++;
        // This candidate, then the short list's next entry, then the reference, for a caller that simulates
        // ahead on idle workers (a third replication started before the early test is mostly wasted).
        if (ctx.prefetch) {
          const replications = early ?? ctx.replications;
          const next = shortList(candidates.slice(i + 1), skip, 1);
          const search = [candidate, ...next].map((d) => ({ loaded: variantOf(d), replications }));
          ctx.prefetch([...search, ...referenceAhead()]);
        }
      }
      const sim = known ?? run(candidate, "candidate");
      demand = maxDemand(demand, sim.demand);
      if (sim.assessment.passes) {
        found = sim;
        break;
      }
      failed.push(failureOf(candidate, sim.assessment));
    }
  }
  // The search is over: replications started ahead for candidates it did not reach need not run; the
  // reference's still may (it is simulated below unless a passing deployment it dominates was).
  const dominated = () =>
    [rulesSim, found].find((s) => s?.assessment.passes && dominates(refDeployment, s.deployment));
  ctx.prefetch?.(dominated() ? [] : referenceAhead());

  // With a build SLO, the fewest daemons that still hold every check (bisection on the count).
  if (found && provisionersBySimulation && fixed.provisioners === undefined) {
    let hi = found.deployment.provisioners;
    let lo = 0;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const sim = run({ ...found.deployment, provisioners: mid }, "provisioners");
      if (sim.assessment.passes) {
        hi = mid;
        found = sim;
      } else lo = mid;
    }
  }

  // The reference, if the search never reached its cost: inferred from a passing deployment it dominates.
  if (!referenceSim) {
    const below = dominated();
    referenceSim = below
      ? inferredPass(refDeployment, "reference", costOf(refDeployment), below)
      : run(refDeployment, "reference");
  }
  ctx.prefetch?.([]);
  const recommended = found ?? passingRuns()[0] ?? null;
  const status: PlanStatus = found ? "found" : recommended ? "best_seen" : "none";
  // The failed run closest below the recommendation in coderd or database size explains why it is not smaller.
  const coderdOf = (d: Deployment) => d.coderdReplicas * d.coderdVcpu;
  const nearestRejected = recommended
    ? (simulations
        .filter(
          (s) =>
            !s.assessment.passes &&
            s.role !== "provisioners" &&
            (coderdOf(s.deployment) < coderdOf(recommended.deployment) ||
              s.deployment.dbVcpu < recommended.deployment.dbVcpu),
        )
        .sort((a, b) => byCost(b.deployment, a.deployment))[0] ?? null)
    : null;
  return {
    status,
    users: opts.users,
    workspaces,
    concurrentBuilds,
    recommended,
    rules: { sizing, simulation: rulesSim },
    reference: { architecture, simulation: referenceSim },
    demand,
    simulations,
    pruned,
    provisionersBySimulation,
    unsizeable,
    nearestRejected,
    prices,
  };
}

/**
 * A deployment not simulated because it has at least every size of `holds`, which was simulated and
 * held every check: it holds too. No checks were measured on it (its utilisations are unknown).
 */
function inferredPass(
  deployment: Deployment,
  role: SimulationRole,
  cost: DeploymentCost,
  holds: PlanSimulation,
): PlanSimulation {
  return {
    role,
    deployment,
    vcpu: totalVcpu(deployment),
    cost,
    assessment: { passes: true, clear: true, checks: [], failing: [], tightest: undefined },
    replications: 0,
    rejectedEarly: false,
    demand: holds.demand,
    inferred: `not simulated: it has at least every size of the ${holds.role} deployment, which held every check`,
  };
}

/** The first `n` candidates the screen keeps (what the search simulates next if the current one fails). */
function shortList(rest: readonly Deployment[], skip: (d: Deployment) => unknown, n: number): Deployment[] {
  const out: Deployment[] = [];
  for (const d of rest) {
    if (out.length >= n) break;
    if (!skip(d)) out.push(d);
  }
  return out;
}
