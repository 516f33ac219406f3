import { HOURS_PER_MONTH } from "../cost/pricing.js";
import type { PlanUncertainty } from "../uncertainty/planPrediction.js";
import { planUncertaintyLines, predictionCell } from "../uncertainty/planText.js";
import { type Assessment, type Check, describeCheck, fmt } from "./checks.js";
import { jsonHeader } from "./context.js";
import { CODERD_CPU, DB_CPU } from "./demand.js";
import type { Deployment } from "./deployment.js";
import { earlyRejectNote } from "./earlyReject.js";
import type { DeploymentCost, PlanResult, PlanSimulation } from "./plan.js";
import { referenceArchitecturesSource } from "./referenceArchitectures.js";
import type { SearchContext } from "./simulate.js";
import { sizingRulesSource } from "./sizingRules.js";

/** Highest measured utilisation of a kind of resource in a simulation. */
function utilOf(a: Assessment, match: (name: string) => boolean): number | null {
  const values = a.checks
    .filter((c) => c.kind === "util" && match(c.name) && c.value !== null)
    .map((c) => c.value!);
  return values.length ? Math.max(...values) : null;
}

const pct = (x: number | null) => (x === null ? "-" : `${Math.round(x * 100)}%`);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("   ")}`.trimEnd());
}

function headroom(c: Check): string {
  if (c.margin === null) return "no data";
  return c.margin >= 0 ? `${Math.round(c.margin * 100)}% headroom` : `${Math.round(-c.margin * 100)}% over`;
}

function marginRows(a: Assessment): string[][] {
  const slos = a.checks.filter((c) => c.kind === "slo");
  const utils = a.checks
    .filter((c) => c.kind === "util")
    .sort((x, y) => (x.margin ?? -Infinity) - (y.margin ?? -Infinity))
    .slice(0, 4);
  return [...slos, ...utils].map((c) => [
    c.kind === "util" ? `utilisation ${c.name}` : c.name,
    c.value === null ? "-" : fmt(c.value),
    `${c.op} ${fmt(c.threshold)}`,
    headroom(c),
    c.ci ? `95% CI ${fmt(c.ci[0])}..${fmt(c.ci[1])}${c.clear ? "" : " (straddles)"}` : "",
  ]);
}

/** "at 63%" of a simulated deployment's busiest matching resource; an inferred one was not measured. */
function atUtil(s: PlanSimulation, match: (name: string) => boolean): string {
  return s.inferred ? "(not simulated)" : `at ${pct(utilOf(s.assessment, match))}`;
}

function verdict(s: PlanSimulation): string {
  if (s.inferred) return "holds (inferred)";
  if (s.assessment.passes) return "holds";
  const worst = s.assessment.failing[0];
  return worst ? `fails (${worst.kind === "util" ? worst.name : worst.name.split("@")[0]})` : "fails";
}

/** " (rejected after 2 of 3 replications: clear failure)" for a run rejected early, else "". */
export function earlyNote(s: PlanSimulation, replications: number): string {
  return s.rejectedEarly ? earlyRejectNote(s.replications, replications) : "";
}

function describeDeployment(d: Deployment): string {
  return `coderd ${d.coderdReplicas} x ${d.coderdVcpu} vCPU, database ${d.dbVcpu} vCPU, ${d.provisioners} provisioners`;
}

/** Why each component differs, in terms of the CPU demand the simulations measured. */
function explanations(r: PlanResult, rec: PlanSimulation, replications: number): string[] {
  const d = r.demand;
  const lines: string[] = [];
  const refName = `the ${r.reference.architecture.name} reference architecture`;
  const rules = r.rules.simulation.deployment;
  const ref = r.reference.simulation.deployment;
  const coderdTotal = (x: Deployment) => x.coderdReplicas * x.coderdVcpu;
  const atLeast = (lowerBound: boolean) => (lowerBound ? "at least " : "");
  lines.push(
    `coderd: the load needs ${atLeast(d.coderdLowerBound)}${fmt(d.coderdVcpu)} vCPU of coderd CPU at ${r.users} users ` +
      `(utilisation law over the runs). ${coderdTotal(rec.deployment)} vCPU runs it at ` +
      `${pct(utilOf(rec.assessment, (n) => CODERD_CPU.test(n)))} on the busiest replica; the rule's ` +
      `${coderdTotal(rules)} vCPU at ${pct(utilOf(r.rules.simulation.assessment, (n) => CODERD_CPU.test(n)))}; ` +
      `${refName}'s ${coderdTotal(ref)} vCPU ${atUtil(r.reference.simulation, (n) => CODERD_CPU.test(n))}.`,
  );
  const db = (s: PlanSimulation) => pct(utilOf(s.assessment, (n) => n === DB_CPU));
  lines.push(
    `database: the load needs ${atLeast(d.dbLowerBound)}${fmt(d.dbVcpu)} vCPU of database CPU. ${rec.deployment.dbVcpu} vCPU ` +
      `runs it at ${db(rec)}; the rule's ${rules.dbVcpu} vCPU at ${db(r.rules.simulation)}; ${refName}'s ` +
      `${ref.dbVcpu} vCPU ${atUtil(r.reference.simulation, (n) => n === DB_CPU)}.`,
  );
  lines.push(
    r.provisionersBySimulation
      ? `provisioners: ${rec.deployment.provisioners} daemons are the fewest that keep the build SLO ` +
          `(${r.concurrentBuilds} builds run at once); the rule gives ${rules.provisioners}, ${refName} ${ref.provisioners}.`
      : `provisioners: one daemon per concurrent build (${r.concurrentBuilds}), as the rule and the reference ` +
          "architectures size them; no build SLO was given (e.g. --slo provisioner_queue_wait_p95_s<=60) to size them by simulation.",
  );
  const tight = rec.assessment.tightest;
  if (tight) {
    let line = `bottleneck: ${describeCheck(tight)} is the tightest check of the recommendation`;
    if (r.nearestRejected) {
      const worst = r.nearestRejected.assessment.failing[0];
      line +=
        `; the closest smaller deployment simulated (${describeDeployment(r.nearestRejected.deployment)}) ` +
        `fails on ${worst ? describeCheck(worst) : "a check"}${earlyNote(r.nearestRejected, replications)}`;
    }
    lines.push(`${line}.`);
  }
  return lines;
}

export function renderPlan(r: PlanResult, ctx: SearchContext, uncertainty?: PlanUncertainty): string {
  const lines: string[] = [];
  lines.push(
    `capsim plan: ${r.users} users (${r.workspaces} workspaces, ${r.concurrentBuilds} concurrent builds) on ` +
      `${ctx.base.scenario.name}, model ${ctx.model.model.name}, ${ctx.replications} replications, seed ${ctx.seed}`,
  );
  const slos = ctx.checks.slos.map((s) => `${s.label} ${s.op} ${s.threshold}`);
  lines.push(`checks: ${[...slos, `utilisation <= ${ctx.checks.maxUtil} for every resource`].join("; ")}`);
  lines.push("");
  const rec = r.recommended;
  if (!rec) {
    lines.push("no deployment found that holds every check.");
    for (const c of r.unsizeable) lines.push(`  not fixable by sizing: ${describeCheck(c)}`);
    const worst = r.simulations.at(-1)?.assessment.failing[0];
    if (r.unsizeable.length === 0 && worst) lines.push(`  last simulated fails on: ${describeCheck(worst)}`);
  } else {
    const d = rec.deployment;
    const heading =
      r.status === "found"
        ? "recommended (simulated: every check holds)"
        : "recommended (simulated: every check holds; the search budget ran out, a cheaper one may exist)";
    lines.push(`${heading}:`);
    lines.push(
      ...table([
        ["coderd", `${d.coderdReplicas} x ${d.coderdVcpu} vCPU, ${fmt(d.coderdMemoryGb)} GB each`],
        ["database", `${d.dbVcpu} vCPU, ${fmt(d.dbMemoryGb)} GB`],
        ["provisioners", `${d.provisioners} x ${d.provisionerVcpu} vCPU`],
        ["total", `${fmt(rec.vcpu)} vCPU`],
        ["cost per month", money(rec.cost)],
      ]),
    );
    lines.push("margins:", ...table(marginRows(rec.assessment)));
  }
  if (uncertainty) lines.push("", ...planUncertaintyLines(uncertainty));
  const inferred = [r.rules.simulation, r.reference.simulation].filter((s) => s.inferred);
  lines.push("", `side by side (${inferred.length ? "at this load" : "all simulated at this load"}):`);
  const cols: [string, PlanSimulation | null][] = [
    ["recommended", rec],
    ["Coder rules", r.rules.simulation],
    [`reference ${r.reference.architecture.name}`, r.reference.simulation],
  ];
  const cell = (f: (s: PlanSimulation) => string) => cols.map(([, s]) => (s ? f(s) : "-"));
  lines.push(
    ...table([
      ["", ...cols.map(([name]) => name)],
      ["coderd", ...cell((s) => `${s.deployment.coderdReplicas} x ${s.deployment.coderdVcpu}`)],
      ["database vCPU", ...cell((s) => String(s.deployment.dbVcpu))],
      ["provisioners", ...cell((s) => `${s.deployment.provisioners} x ${s.deployment.provisionerVcpu}`)],
      ["total vCPU", ...cell((s) => fmt(s.vcpu))],
      ...costRows(cols.map(([, s]) => s)),
      ["verdict", ...cell(verdict)],
      ["coderd util", ...cell((s) => pct(utilOf(s.assessment, (n) => CODERD_CPU.test(n))))],
      ["database util", ...cell((s) => pct(utilOf(s.assessment, (n) => n === DB_CPU)))],
      ...(uncertainty && uncertainty.draws > 0
        ? [
            [
              "deciding, 90% prediction",
              predictionCell(uncertainty.recommended, uncertainty.draws),
              "-",
              predictionCell(uncertainty.reference, uncertainty.draws),
            ],
          ]
        : []),
    ]),
  );
  lines.push(
    `  rules: ${r.rules.sizing.reasons.coderd}; ${r.rules.sizing.reasons.database}; ${r.rules.sizing.reasons.provisioners}`,
  );
  for (const s of inferred) lines.push(`  ${s.role}: ${s.inferred}.`);
  if (rec) lines.push("", "why they differ:", ...explanations(r, rec, ctx.replications).map((l) => `  ${l}`));
  const byRole = (role: string) => r.simulations.filter((s) => s.role === role).length;
  const early = r.simulations.filter((s) => s.rejectedEarly);
  const earlyText = early.length
    ? `; ${early.length} rejected after ${early[0]!.replications} of ${ctx.replications} replications: clear failure`
    : "";
  lines.push(
    "",
    `search: ${r.simulations.length} simulations (${byRole("rules") + byRole("reference")} comparisons, ` +
      `${byRole("candidate")} candidates, ${byRole("provisioners")} provisioner counts${earlyText}); skipped ` +
      `${r.pruned.utilisationLaw} candidates the asymptotic bounds (utilisation law) put over the cap, ` +
      `${r.pruned.mva} whose latency mean-value analysis puts over an SLO, and ${r.pruned.dominated} no bigger than one that failed (or no bigger on the CPU it failed on).`,
    `sources: ${sizingRulesSource()}; ${referenceArchitecturesSource()}.`,
    `costs: ${r.prices.table.cloud} list prices (${r.prices.file}), coderd, provisioners and the database for ` +
      `${HOURS_PER_MONTH} h/month; workspaces, storage and network are the same for every column and left out. ` +
      `The search ranks candidates by this cost.`,
  );
  const unpriced = (rec ?? r.rules.simulation).cost.assumptions.filter((a) => a.includes("not priced"));
  for (const a of unpriced) lines.push(`  ${a}`);
  return `${lines.join("\n")}\n`;
}

function money(c: DeploymentCost): string {
  return `${c.currency} ${c.total.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 0 })}`;
}

/** Monthly cost rows of the side-by-side table: each priced component, then the total. */
function costRows(sims: (PlanSimulation | null)[]): string[][] {
  const names = [...new Set(sims.flatMap((s) => (s ? Object.keys(s.cost.components) : [])))];
  const whole = (x: number) => Math.round(x).toLocaleString("en-US");
  return [
    ...names.map((n) => [`${n} /month`, ...sims.map((s) => (s ? whole(s.cost.components[n] ?? 0) : "-"))]),
    ["cost /month", ...sims.map((s) => (s ? money(s.cost) : "-"))],
  ];
}

function deploymentJson(d: Deployment) {
  return {
    coderd: { replicas: d.coderdReplicas, vcpu: d.coderdVcpu, memory_gb: d.coderdMemoryGb },
    database: { vcpu: d.dbVcpu, memory_gb: d.dbMemoryGb },
    provisioners: { count: d.provisioners, vcpu: d.provisionerVcpu, memory_gb: d.provisionerMemoryGb },
  };
}

function simulationJson(s: PlanSimulation | null) {
  if (!s) return null;
  return {
    role: s.role,
    deployment: deploymentJson(s.deployment),
    total_vcpu: s.vcpu,
    cost_per_month: {
      currency: s.cost.currency,
      total: s.cost.total,
      components: s.cost.components,
      assumptions: s.cost.assumptions,
    },
    passes: s.assessment.passes,
    clear: s.assessment.clear,
    checks: s.assessment.checks,
    failing: s.assessment.failing,
    tightest: s.assessment.tightest ?? null,
    replications: s.replications,
    rejected_early: s.rejectedEarly,
    demand: s.demand,
    ...(s.inferred ? { inferred: s.inferred } : {}),
  };
}

/** The `--json` document. */
export function planJson(r: PlanResult, ctx: SearchContext, uncertainty?: PlanUncertainty): unknown {
  return {
    ...jsonHeader(ctx),
    users: r.users,
    workspaces: r.workspaces,
    concurrent_builds: r.concurrentBuilds,
    checks: {
      slos: ctx.checks.slos.map((s) => ({ metric: s.label, op: s.op, threshold: s.threshold })),
      max_util: ctx.checks.maxUtil,
      strict: ctx.checks.strict,
    },
    status: r.status,
    price_table: { cloud: r.prices.table.cloud, file: r.prices.file, sha256: r.prices.sha256 },
    recommended: simulationJson(r.recommended),
    coder_rules: {
      ...simulationJson(r.rules.simulation),
      reasons: r.rules.sizing.reasons,
      source: sizingRulesSource(),
    },
    reference_architecture: {
      name: r.reference.architecture.name,
      users: r.reference.architecture.users,
      source: referenceArchitecturesSource(),
      ...simulationJson(r.reference.simulation),
    },
    explanation: r.recommended ? explanations(r, r.recommended, ctx.replications) : [],
    demand_vcpu: r.demand,
    provisioners_by_simulation: r.provisionersBySimulation,
    unsizeable: r.unsizeable,
    pruned: { utilisation_law: r.pruned.utilisationLaw, mva: r.pruned.mva, dominated: r.pruned.dominated },
    simulations: r.simulations.map(simulationJson),
    ...(uncertainty ? { uncertainty } : {}),
  };
}
