import type { Command } from "commander";
import { estimateRun, jobsWithinMemory, refuseOverBudget } from "../run/estimate.js";
import { defaultJobs, setDefaultJobs } from "../run/parallel.js";
import {
  DEFAULT_SENSITIVITY_METRIC,
  DEFAULT_TRAJECTORIES,
  runSensitivity,
} from "../uncertainty/sensitivity.js";
import { renderSensitivity } from "../uncertainty/sensitivityText.js";
import {
  addBudgetOptions,
  budgetOf,
  collect,
  jobsOption,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface SensitivityFlags {
  set: string[];
  metric: string;
  trajectories: number;
  seed?: number;
  json?: boolean;
  progress: boolean;
  maxMemoryGb: number;
  maxHours: number;
  jobs?: number;
}

export function registerSensitivity(program: Command): void {
  const command = program
    .command("sensitivity")
    .description(
      "Rank the model's uncertain parameters by their effect on a metric and on the bottleneck (Morris screening; docs/uncertainty.md)",
    )
    .argument("[scenario]", "scenario file, or the name of a shipped scenario", undefined)
    .option("--metric <name[@stage]>", "metric to rank by", DEFAULT_SENSITIVITY_METRIC)
    .option(
      "--trajectories <n>",
      "Morris trajectories; each costs (parameters + 1) one-replication runs",
      positiveInt("trajectories"),
      DEFAULT_TRAJECTORIES,
    )
    .option("--set <path=value>", "override a scenario value (repeatable)", collect, [])
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option("--json", "print the result as JSON on stdout (docs/uncertainty.md)")
    .addOption(jobsOption("simulations"))
    .option("--no-progress", "no per-simulation lines on stderr");
  addBudgetOptions(command).action((scenarioArg: string | undefined, flags: SensitivityFlags) => {
    if (flags.jobs !== undefined) setDefaultJobs(flags.jobs);
    const { loaded, model } = loadScenarioAndModel(scenarioArg, flags.set);
    const k = (model.model.uncertainty ?? []).length;
    const estimate = estimateRun(loaded.scenario, model.model, 1);
    refuseOverBudget(loaded, estimate, budgetOf(flags), { runs: flags.trajectories * (k + 1) });
    // Simulations running at once each need their working set: no more of them than --max-memory-gb holds.
    setDefaultJobs(jobsWithinMemory(estimate, budgetOf(flags), defaultJobs()));
    const result = runSensitivity(loaded, model, {
      trajectories: flags.trajectories,
      seed: flags.seed ?? loaded.scenario.seed,
      metric: flags.metric,
      onProgress: (done, total) => {
        if (flags.progress) process.stderr.write(`sensitivity: ${done}/${total} simulations\n`);
      },
    });
    if (flags.json) {
      const header = {
        scenario: { name: loaded.scenario.name, file: loaded.file, sha256: loaded.sha256 },
        model: { name: model.model.name, file: model.file, sha256: model.sha256 },
      };
      process.stdout.write(`${JSON.stringify({ ...header, ...result }, null, 2)}\n`);
    } else {
      process.stdout.write(
        renderSensitivity(result, { scenario: loaded.scenario.name, model: model.model.name }),
      );
    }
  });
}
