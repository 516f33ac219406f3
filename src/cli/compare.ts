import { resolve } from "node:path";
import type { Command } from "commander";
import { renderCompare } from "../compare/compareText.js";
import { runCompare } from "../compare/runCompare.js";
import { looksLikeScenario, splitScenarioArgs } from "../compare/scenarioArgs.js";
import { DEFAULT_TOLERANCE, parseTolerance } from "../compare/tolerance.js";
import { ExitCode, InputError, printable } from "../errors.js";
import { checkOutputFile } from "../input/paths.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import {
  measureFromPrometheus,
  type PrometheusMeasurement,
  parseInstant,
  parseStep,
  readStagesFile,
  stageFlags,
} from "../prometheus/index.js";
import { estimateRun, refuseOverBudget } from "../run/estimate.js";
import type { Window } from "../series/types.js";
import { createProgress } from "./progress.js";
import {
  addBudgetOptions,
  addInputCapOption,
  budgetOf,
  collect,
  isShippedScenario,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface CompareFlags extends ServerFlags {
  set: string[];
  maxMemoryGb: number;
  maxHours: number;
  tolerance: number;
  replications?: number;
  seed?: number;
  json?: boolean;
  out?: string;
  progress: boolean;
}

/** Options shared by compare and calibrate for time-series data and a Prometheus server. */
export interface ServerFlags {
  prometheus?: string;
  selector?: string;
  dbSelector?: string;
  start?: string;
  end?: string;
  step?: string;
  stage: string[];
  stages?: string;
}

export function addServerOptions(command: Command): Command {
  return command
    .option(
      "--prometheus <url>",
      "read the measured figures from a Prometheus server's HTTP API instead of files (docs/prometheus.md)",
    )
    .option(
      "--selector <matchers>",
      "label matchers added to every selector of every figure's PromQL, e.g. '{namespace=\"coder\"}'",
    )
    .option(
      "--db-selector <matchers>",
      "with --prometheus: label matchers for the database's figures instead of --selector, e.g. '{instance=\"db-1:9100\"}'",
    )
    .option("--start <time>", "with --prometheus: start of the data to use (RFC 3339 or unix seconds)")
    .option("--end <time>", "with --prometheus: end of the data to use (RFC 3339 or unix seconds)")
    .option("--step <duration>", "seconds between evaluation instants (default: the data's scrape interval)")
    .option("--stage <name=start..end>", "a stage window, e.g. dashboard=T1..T2 (repeatable)", collect, [])
    .option(
      "--stages <file>",
      "stage windows: YAML/JSON [{name, start, end}] (capsim YAML with stages: for measured files)",
    );
}

/** The positionals with --prometheus: only the scenario, if any. */
export function serverScenarioArg(files: readonly string[], command: string): string | undefined {
  if (files.length === 0) return undefined;
  if (files.length === 1 && looksLikeScenario(files[0]!, isShippedScenario)) return files[0];
  throw new InputError({
    file: command,
    path: "",
    message: `with --prometheus give only the scenario, not measured files (got ${files.join(" ")})`,
  });
}

/** Reads the figures from the server (--prometheus), or undefined without it. */
export async function serverMeasurement(flags: ServerFlags): Promise<PrometheusMeasurement | undefined> {
  if (flags.prometheus === undefined) {
    for (const [option, flag] of [
      ["start", "--start"],
      ["end", "--end"],
      ["dbSelector", "--db-selector"],
    ] as const)
      if (flags[option] !== undefined)
        throw new InputError({ file: flag, path: "", message: "needs --prometheus" });
    return undefined;
  }
  const given = [...stageFlags(flags.stage), ...(flags.stages ? readStagesFile(flags.stages) : [])];
  const measurement = await measureFromPrometheus({
    url: flags.prometheus,
    ...(flags.selector !== undefined ? { selector: flags.selector } : {}),
    ...(flags.dbSelector !== undefined ? { dbSelector: flags.dbSelector } : {}),
    ...(flags.start !== undefined ? { start: parseInstant(flags.start, "--start") } : {}),
    ...(flags.end !== undefined ? { end: parseInstant(flags.end, "--end") } : {}),
    ...(flags.step !== undefined ? { stepSeconds: parseStep(flags.step) } : {}),
    ...(given.length > 0 ? { stages: given } : {}),
  });
  return measurement;
}

/** The file options of time-series measured files. */
export function fileSeriesOptions(flags: ServerFlags): {
  stagesFile?: string;
  stages?: Window[];
  selector?: string;
  stepSeconds?: number;
} {
  return {
    ...(flags.stages !== undefined ? { stagesFile: flags.stages } : {}),
    ...(flags.stage.length > 0 ? { stages: stageFlags(flags.stage) } : {}),
    ...(flags.selector !== undefined ? { selector: flags.selector } : {}),
    ...(flags.step !== undefined ? { stepSeconds: parseStep(flags.step) } : {}),
  };
}

export function registerCompare(program: Command): void {
  const command = program
    .command("compare")
    .description(
      "Simulate a scenario and compare it with measured figures; exit 3 when any is outside the tolerance (docs/compare.md)",
    )
    .argument(
      "[files...]",
      "[scenario] then measured files (or only [scenario] with --prometheus); without a scenario file or name first, the default scaletest-2000 runs",
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
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"));
  addInputCapOption(addBudgetOptions(addServerOptions(command)))
    .option("--json", "print the comparison as JSON on stdout (shape in docs/compare.md)")
    .option("--out <file>", "also write the JSON comparison to this file")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (files: string[], flags: CompareFlags) => {
      const server = flags.prometheus !== undefined;
      const { scenarioArg, measuredFiles } = server
        ? { scenarioArg: serverScenarioArg(files, "compare"), measuredFiles: [] }
        : splitScenarioArgs(files, "compare", isShippedScenario);
      const scenario = loadScenarioAndModel(scenarioArg, flags.set);
      // Checked before anything runs: the simulation's cost, and where the JSON goes.
      const replications = flags.replications ?? scenario.loaded.scenario.replications;
      refuseOverBudget(
        scenario.loaded,
        estimateRun(scenario.loaded.scenario, scenario.model.model, replications),
        budgetOf(flags),
        {
          ...(flags.replications !== undefined ? { replicationsOption: "--replications" } : {}),
        },
      );
      if (flags.out) checkOutputFile(resolve(flags.out), "--out");
      const prometheus = await serverMeasurement(flags);
      const progress = createProgress("compare", { enabled: flags.progress });
      const result = runCompare({
        scenario,
        measuredFiles,
        tolerance: flags.tolerance,
        ...(flags.replications !== undefined ? { replications: flags.replications } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(prometheus ? { prometheus } : fileSeriesOptions(flags)),
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
