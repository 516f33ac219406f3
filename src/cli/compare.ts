import { resolve } from "node:path";
import type { Command } from "commander";
import { renderCompare } from "../compare/compareText.js";
import { runCompare } from "../compare/runCompare.js";
import { splitScenarioArgs } from "../compare/scenarioArgs.js";
import { DEFAULT_TOLERANCE, parseTolerance } from "../compare/tolerance.js";
import { ExitCode, printable } from "../errors.js";
import { checkOutputFile } from "../input/paths.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import { estimateRun, refuseOverBudget } from "../run/estimate.js";
import { createProgress } from "./progress.js";
import {
  addBudgetOptions,
  addInputCapOption,
  budgetOf,
  collect,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface CompareFlags {
  set: string[];
  tolerance: number;
  replications?: number;
  seed?: number;
  stages?: string;
  json?: boolean;
  out?: string;
  progress: boolean;
  maxMemoryGb: number;
  maxHours: number;
}

export function registerCompare(program: Command): void {
  const command = program
    .command("compare")
    .description(
      "Simulate a scenario and compare it with measured figures; exit 3 when any is outside the tolerance (docs/compare.md)",
    )
    .argument(
      "<files...>",
      "[scenario] then measured files; without a scenario file or name first, the default scaletest-2000 runs",
    )
    .option(
      "--set <path=value>",
      "override a scenario value (repeatable), e.g. --set workload.users=3000",
      collect,
      [],
    )
    .option(
      "--tolerance <pct>",
      "pass band around the simulated mean, e.g. 10% or 0.1",
      parseTolerance,
      DEFAULT_TOLERANCE,
    )
    .option(
      "--replications <n>",
      "independent replications (overrides the scenario's)",
      positiveInt("replications"),
    )
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option("--stages <file>", "capsim YAML with stages: [{name, start, end}] for time-series measured files")
    .option("--json", "print the comparison as JSON on stdout (shape in docs/compare.md)")
    .option("--out <file>", "also write the JSON comparison to this file")
    .option("--no-progress", "no progress bar on stderr");
  addInputCapOption(addBudgetOptions(command)).action((files: string[], flags: CompareFlags) => {
    const { scenarioArg, measuredFiles } = splitScenarioArgs(files, "compare");
    // Checked before anything runs: the simulation's cost, and where the JSON goes.
    const { loaded } = loadScenarioAndModel(scenarioArg, flags.set);
    const replications = flags.replications ?? loaded.scenario.replications;
    refuseOverBudget(loaded, estimateRun(loaded.scenario, replications), budgetOf(flags), {
      ...(flags.replications !== undefined ? { replicationsOption: "--replications" } : {}),
    });
    if (flags.out) checkOutputFile(resolve(flags.out), "--out");
    const progress = createProgress("compare", { enabled: flags.progress });
    const result = runCompare({
      scenarioArg,
      measuredFiles,
      sets: flags.set,
      tolerance: flags.tolerance,
      ...(flags.replications !== undefined ? { replications: flags.replications } : {}),
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.stages !== undefined ? { stagesFile: flags.stages } : {}),
      onProgress: (f) => progress.update(f),
    });
    progress.stop();
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (flags.out) {
      writeFileAtomic(resolve(flags.out), json);
      process.stderr.write(`wrote ${printable(flags.out)}\n`);
    }
    process.stdout.write(flags.json ? json : renderCompare(result));
    process.exitCode = result.passed ? ExitCode.ok : ExitCode.checksFailed;
  });
}
