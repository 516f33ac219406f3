import { type Command, Option } from "commander";
import { pricesFor } from "../cost/loadPrices.js";
import { ExitCode } from "../errors.js";
import { fmt } from "../plan/checks.js";
import { parseMaxUtil, searchContext } from "../plan/context.js";
import { describeCoderd } from "../plan/deployment.js";
import { type FixedSizes, planDeployment } from "../plan/plan.js";
import { earlyNote, planJson, renderPlan } from "../plan/renderPlan.js";
import { DEFAULT_PLAN_SLOS } from "../plan/slo.js";
import { setDefaultJobs } from "../run/parallel.js";
import { parseSetOverride, type Scenario } from "../scenario/index.js";
import { pathKey } from "../sweep/grid.js";
import { planUncertainty } from "../uncertainty/planPrediction.js";
import { DEFAULT_PREDICTION_DRAWS } from "../uncertainty/prediction.js";
import { predictionDraws } from "./predictionDraws.js";
import {
  addBudgetOptions,
  budgetOf,
  collect,
  jobsOption,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
  refuseVariantOverBudget,
} from "./scenarioInput.js";

interface PlanFlags {
  survive?: "replica-loss";
  users: number;
  set: string[];
  slo: string[];
  maxUtil: number;
  strict?: boolean;
  replications?: number;
  seed?: number;
  maxSims: number;
  json?: boolean;
  progress: boolean;
  prices?: string;
  maxMemoryGb: number;
  maxHours: number;
  jobs?: number;
  predictionDraws: number;
  earlyReject: boolean;
}

/** Sizes the user pinned with --set stay out of the search. */
function fixedSizes(sets: readonly string[], scenario: Scenario): FixedSizes {
  const given = new Set(sets.map((s) => parseSetOverride(s).path.join("\u0000")));
  const pinned = (path: string, value: number) => (given.has(pathKey(path)) ? value : undefined);
  const d = scenario.deployment;
  return {
    coderdReplicas: pinned("deployment.coderd.replicas", d.coderd.replicas),
    coderdVcpu: pinned("deployment.coderd.vcpu", d.coderd.vcpu),
    dbVcpu: pinned("deployment.database.vcpu", d.database.vcpu),
    provisioners: pinned("deployment.provisioners.count", d.provisioners.count),
  };
}

export function registerPlan(program: Command): void {
  const command = program
    .command("plan")
    .description(
      "Find the cheapest deployment (monthly list price) that holds N users under the SLOs, by simulation",
    )
    .argument(
      "[scenario]",
      "scenario file, or the name of a shipped scenario (its workload shape is kept)",
      undefined,
    )
    .requiredOption(
      "--users <n>",
      "users to plan for (workspaces keep the scenario's ratio)",
      positiveInt("users"),
    )
    .option(
      "--slo <'metric<=value'>",
      `an SLO, quoted (the shell reads < as a redirect); repeatable; default ${DEFAULT_PLAN_SLOS.map((s) => `'${s}'`).join(", ")}`,
      collect,
      [],
    )
    .option("--max-util <u>", "utilisation cap for every resource", parseMaxUtil, 0.8)
    .option("--strict", "an SLO holds only if its whole 95% CI does (default: the mean decides)")
    .option(
      "--set <path=value>",
      "override a scenario value (repeatable); a deployment size set here stays fixed",
      collect,
      [],
    )
    .option(
      "--replications <n>",
      "replications per simulation (overrides the scenario's)",
      positiveInt("replications"),
    )
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option(
      "--max-sims <n>",
      "search simulations at most, besides the comparison runs",
      positiveInt("max-sims"),
      20,
    )
    .addOption(
      new Option(
        "--survive <event>",
        "N+1 sizing: the deployment must also hold every check after the event",
      ).choices(["replica-loss"]),
    )
    .option(
      "--prices <file>",
      "price table candidates are ranked by (models/prices/*.yaml format); default the scenario's",
    )
    .option(
      "--prediction-draws <n>",
      "one-replication runs over the model's uncertainty: for the recommendation and the reference architecture each (0: none; docs/uncertainty.md)",
      predictionDraws,
      DEFAULT_PREDICTION_DRAWS,
    )
    .option(
      "--no-early-reject",
      "simulate every candidate and comparison run on all replications (default: one that fails a check clearly on its first 2 is rejected there)",
    )
    .option("--json", "print the result as JSON on stdout")
    .addOption(jobsOption("replications"))
    .option("--no-progress", "no per-simulation lines on stderr");
  addBudgetOptions(command).action((scenarioArg: string | undefined, flags: PlanFlags) => {
    if (flags.jobs !== undefined) setDefaultJobs(flags.jobs);
    const { loaded, model } = loadScenarioAndModel(scenarioArg, flags.set);
    // The planned load, before the search: each simulation must be within range and budget.
    const variant = { set: `workload.users=${flags.users}`, option: `--users ${flags.users}` };
    refuseVariantOverBudget(scenarioArg, flags.set, variant, budgetOf(flags), {
      ...(flags.replications !== undefined ? { replications: flags.replications } : {}),
      // The prediction's draws (one replication each, on two deployments) count as simulations too.
      runs:
        flags.maxSims +
        Math.ceil((2 * flags.predictionDraws) / (flags.replications ?? loaded.scenario.replications)),
    });
    const ctx = searchContext(loaded, model, {
      sets: flags.set,
      slos: flags.slo.length > 0 ? flags.slo : [...DEFAULT_PLAN_SLOS],
      maxUtil: flags.maxUtil,
      strict: flags.strict ?? false,
      replications: flags.replications,
      seed: flags.seed,
    });
    const prices = pricesFor(loaded.scenario, loaded.file, flags.prices);
    const result = planDeployment(ctx, {
      users: flags.users,
      prices,
      maxSimulations: flags.maxSims,
      fixed: fixedSizes(flags.set, loaded.scenario),
      survive: flags.survive,
      earlyReject: flags.earlyReject,
      onSimulation: (s) => {
        if (!flags.progress) return;
        const d = s.deployment;
        const worst = s.assessment.failing[0];
        process.stderr.write(
          `  ${s.role}: coderd ${describeCoderd(d)}, db ${d.dbVcpu} vCPU, ${d.provisioners} provisioners ` +
            `(${fmt(s.vcpu)} vCPU, ${s.cost.currency} ${Math.round(s.cost.total)}/month): ${s.assessment.passes ? "holds" : `fails on ${worst?.name ?? "?"}${earlyNote(s, ctx.replications)}`}\n`,
        );
      },
    });
    const uncertainty = planUncertainty(ctx, result, {
      draws: flags.predictionDraws,
      onDraw: (which, done, total) => {
        if (flags.progress) process.stderr.write(`  prediction draw ${done}/${total} (${which})\n`);
      },
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(planJson(result, ctx, uncertainty), null, 2)}\n`);
    else process.stdout.write(renderPlan(result, ctx, uncertainty));
    if (result.status === "none") process.exitCode = ExitCode.checksFailed;
  });
}
