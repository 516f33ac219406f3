import { join, resolve } from "node:path";
import type { Command } from "commander";
import { pricesFor } from "../cost/loadPrices.js";
import { printable } from "../errors.js";
import { checkOutputDirectory, checkOutputFile, defaultOutputDir } from "../input/paths.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import { DEFAULT_OPENMETRICS_START, parseOpenMetricsStart, writeOpenMetrics } from "../report/openmetrics.js";
import { renderRunSummary } from "../report/textSummary.js";
import { describeEstimate, estimateRun, jobsWithinMemory, refuseOverBudget } from "../run/estimate.js";
import { defaultJobs, setDefaultJobs } from "../run/parallel.js";
import { runScenario } from "../run/runScenario.js";
import { timeseriesCsv } from "../run/timeseries.js";
import { DEFAULT_PREDICTION_DRAWS, predictRun } from "../uncertainty/prediction.js";
import { predictionOff } from "../uncertainty/predictionOff.js";
import { drawsFor, predictionDraws } from "./predictionDraws.js";
import { createProgress } from "./progress.js";
import {
  addBudgetOptions,
  budgetOf,
  collect,
  jobsOption,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface RunFlags {
  set: string[];
  seed?: number;
  replications?: number;
  json?: boolean;
  out?: string;
  progress: boolean;
  report?: boolean;
  openmetrics?: string;
  openmetricsStart: string;
  prices?: string;
  maxMemoryGb: number;
  maxHours: number;
  jobs?: number;
  /** Undefined: the scenario's `prediction.draws`, else DEFAULT_PREDICTION_DRAWS. */
  predictionDraws?: number;
}

export function registerRun(program: Command): void {
  const command = program
    .command("run")
    .description("Simulate a scenario and report what a scale test would measure (default: scaletest-2000)")
    .argument("[scenario]", "scenario file, or the name of a shipped scenario", undefined)
    .option(
      "--set <path=value>",
      "override a scenario value (repeatable), e.g. --set workload.users=3000",
      collect,
      [],
    )
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option(
      "--replications <n>",
      "independent replications (overrides the scenario's)",
      positiveInt("replications"),
    )
    .option("--json", "print the summary as JSON on stdout (shape documented in docs/output.md)")
    .option("--out <dir>", "where summary.json and timeseries.csv go (default results/<scenario name>/)")
    .option("--no-progress", "no progress bar on stderr")
    .addOption(jobsOption("replications"))
    .option("--report", "also write report.html (self-contained HTML, docs/report.md) beside summary.json")
    .option(
      "--openmetrics <file>",
      "also write replication 1's series as OpenMetrics text for promtool (docs/report.md)",
    )
    .option(
      "--openmetrics-start <time>",
      "RFC 3339 wall-clock time of simulated t=0",
      DEFAULT_OPENMETRICS_START,
    )
    .option(
      "--prices <file>",
      "price table for the cost (models/prices/*.yaml format); default the scenario's prices: or deployment.cloud",
    )
    .option(
      "--prediction-draws <n>",
      `one-replication runs over the model's uncertainty: ranges for the 90% prediction intervals (0: none; default the scenario's prediction.draws, else ${DEFAULT_PREDICTION_DRAWS}; docs/uncertainty.md)`,
      predictionDraws,
    );
  addBudgetOptions(command).action(async (scenarioArg: string | undefined, flags: RunFlags) => {
    if (flags.jobs !== undefined) setDefaultJobs(flags.jobs);
    const { loaded, model } = loadScenarioAndModel(scenarioArg, flags.set);
    // Bad price input is refused before the simulation, like every other input.
    const prices = pricesFor(loaded.scenario, loaded.file, flags.prices);
    const replications = flags.replications ?? loaded.scenario.replications;
    const estimate = estimateRun(loaded.scenario, model.model, replications);
    refuseOverBudget(loaded, estimate, budgetOf(flags), {
      ...(flags.replications !== undefined ? { replicationsOption: "--replications" } : {}),
    });
    // Replications running at once each need their working set: no more of them than --max-memory-gb holds.
    setDefaultJobs(jobsWithinMemory(estimate, budgetOf(flags), defaultJobs()));
    // The prediction's draws are one replication each: priced together with the replications.
    const uncertain = (model.model.uncertainty ?? []).length > 0;
    const asked = drawsFor(flags.predictionDraws, loaded.scenario);
    const draws = uncertain ? asked.draws : 0;
    if (draws > 0) {
      // The draws are replications too: their time, their summaries, no more at once than memory holds.
      const all = estimateRun(loaded.scenario, model.model, replications, 1, draws);
      refuseOverBudget(loaded, all, budgetOf(flags), { replicationsOption: "--prediction-draws" });
      setDefaultJobs(jobsWithinMemory(all, budgetOf(flags), defaultJobs()));
    }
    const openMetricsStart = parseOpenMetricsStart(flags.openmetricsStart);
    // Every output location is checked before the simulation, so a bad one costs nothing.
    const outDir = flags.out
      ? resolve(flags.out)
      : defaultOutputDir(loaded.scenario.name, undefined, ["summary.json", "timeseries.csv", "report.html"]);
    checkOutputDirectory(outDir, flags.out ? "--out" : "results");
    if (flags.openmetrics) checkOutputFile(resolve(flags.openmetrics), "--openmetrics");
    const withDraws = estimateRun(loaded.scenario, model.model, replications, defaultJobs(), draws);
    if (withDraws.wallSeconds > 60)
      process.stderr.write(
        `capsim: this run needs at most ${describeEstimate(withDraws)} (a deliberately generous bound)\n`,
      );
    const progress = createProgress(`run ${loaded.scenario.name}`, { enabled: flags.progress });
    const share = replications / (replications + draws);
    // Only replication 1's series are written (timeseries.csv, OpenMetrics): the others go before the draws.
    const { first, summary: nominal } = runScenario(loaded, model, {
      seed: flags.seed,
      replications: flags.replications,
      onProgress: (f) => progress.update(f * share),
      prices,
      // One replication runs in this thread: handing it to a worker only copies its series back (on a
      // week, 3 CPU-seconds and 320 MB more: docs/workload.md). The draws still use the pool.
      ...(replications === 1 ? { jobs: 1 } : {}),
    });
    const summary = predictRun(loaded, model, nominal, {
      draws,
      seed: nominal.seed,
      onProgress: (f) => progress.update(share + f * (1 - share)),
    });
    progress.stop();
    // No interval although the model has uncertainty: say so, and what getting one costs (not hidden).
    if (uncertain && draws === 0 && asked.source !== "default")
      summary.prediction_off = predictionOff(asked.source, rerunCommand(scenarioArg, flags), {
        wallSeconds: summary.wall_seconds,
        replications: summary.replications,
        jobs: defaultJobs(),
        draws: DEFAULT_PREDICTION_DRAWS,
      });
    const json = `${JSON.stringify(summary, null, 2)}\n`;
    writeFileAtomic(join(outDir, "summary.json"), json);
    writeFileAtomic(
      join(outDir, "timeseries.csv"),
      timeseriesCsv(first, loaded.scenario.deployment.database.vcpu),
    );
    if (flags.report) {
      // Loaded on demand: the HTML stack (Plot, linkedom) is a third of the CLI's start-up.
      const { writeRunReport } = await import("../report/html/index.js");
      process.stderr.write(`wrote ${printable(writeRunReport(outDir, loaded.scenario))}\n`);
    }
    if (flags.openmetrics) {
      writeOpenMetrics(flags.openmetrics, first, {
        scenario: loaded.scenario.name,
        startEpochSeconds: openMetricsStart,
      });
      process.stderr.write(`wrote ${printable(flags.openmetrics)}\n`);
    }
    if (flags.json) process.stdout.write(json);
    else process.stdout.write(renderRunSummary(summary));
    process.stderr.write(`wrote ${printable(join(outDir, "summary.json"))} and timeseries.csv\n`);
  });
}

/** This run's command with the default draws: what gives the prediction interval. */
function rerunCommand(scenarioArg: string | undefined, flags: RunFlags): string {
  const quote = (v: string) => (/^[\w./=:,@+-]+$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`);
  const parts = ["capsim", "run"];
  if (scenarioArg !== undefined) parts.push(quote(scenarioArg));
  for (const set of flags.set) parts.push("--set", quote(set));
  if (flags.replications !== undefined) parts.push("--replications", String(flags.replications));
  if (flags.seed !== undefined) parts.push("--seed", String(flags.seed));
  parts.push("--prediction-draws", String(DEFAULT_PREDICTION_DRAWS));
  return parts.join(" ");
}
