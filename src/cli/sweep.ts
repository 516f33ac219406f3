import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode, InputError, printable } from "../errors.js";
import { checkOutputFile, defaultOutputDir } from "../input/paths.js";
import {
  type Budget,
  estimateEvents,
  estimateRun,
  refuseOverBudget,
  SIMULATED_EVENTS_PER_SECOND,
} from "../run/estimate.js";
import { parseSetOverride } from "../scenario/index.js";
import { cornerPoints, gridPoints, parseAxes, pathKey } from "../sweep/grid.js";
import { describeLink, loadLink } from "../sweep/linkedLoad.js";
import { type LoadedPoint, loadPoints, type SweepBase } from "../sweep/pointScenario.js";
import { runSweep } from "../sweep/runSweep.js";
import { inShard, parseShard, type Shard, shardFromEnv } from "../sweep/shard.js";
import { sidecarPath } from "../sweep/sidecar.js";
import { createPointRunner } from "../sweep/workerPool.js";
import { createProgress, type Progress } from "./progress.js";
import {
  addBudgetOptions,
  budgetOf,
  collect,
  jobsOption,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface SweepFlags {
  vary: string[];
  set: string[];
  seed?: number;
  replications?: number;
  jobs?: number;
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  shard?: string;
  shardFromEnv?: boolean;
  shards?: number;
  progress: boolean;
  maxMemoryGb: number;
  maxHours: number;
}

/** With stderr redirected (a log), a progress line at most this often. */
const LOG_EVERY_MS = 30_000;

/** Exit status of a sweep stopped by a signal (shell convention 128 + signal number). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: ExitCode.interrupted, SIGTERM: 143 };

function resolveShard(flags: SweepFlags): Shard | null {
  if (flags.shard !== undefined && flags.shardFromEnv) {
    throw new InputError({
      file: "--shard",
      path: "",
      message: "use either --shard i/n or --shard-from-env, not both",
    });
  }
  if (flags.shardFromEnv) return shardFromEnv(process.env, flags.shards);
  if (flags.shards !== undefined && flags.shard === undefined) {
    throw new InputError({ file: "--shards", path: "", message: "only used with --shard-from-env" });
  }
  return flags.shard === undefined ? null : parseShard(flags.shard);
}

/** `--vary` and `--set` on the same path would silently fight; say so instead. */
function checkConflicts(
  vary: readonly string[],
  sets: readonly string[],
  axesPaths: readonly string[],
): void {
  const setKeys = new Set(sets.map((s) => parseSetOverride(s).path.join("\u0000")));
  axesPaths.forEach((path, i) => {
    if (setKeys.has(pathKey(path))) {
      throw new InputError({
        file: `--vary ${vary[i]}`,
        path,
        message: "is also given with --set; keep one",
      });
    }
  });
}

/**
 * The whole grid against the budget before any point runs: every point within the simulator's range
 * and memory (named by its --vary value), and all of them together within --max-hours over the jobs.
 */
function refuseSweepOverBudget(
  points: readonly LoadedPoint[],
  shard: Shard | null,
  replications: number | undefined,
  jobs: number,
  budget: Budget,
  progress?: Progress,
): void {
  const runsOf = (p: LoadedPoint) => replications ?? p.loaded.scenario.replications;
  const own = points.filter((p) => inShard(p.point.index, shard));
  // The grid's time first: it composes no model, so a grid far over --max-hours is refused at once.
  const quick = own.reduce((n, p) => n + estimateEvents(p.loaded.scenario, runsOf(p)), 0);
  if (Number.isFinite(quick)) refuseGrid(own.length, 0, quick, jobs, budget);
  let events = 0;
  let peakBytes = 0;
  let mine = 0;
  for (const p of own) {
    const estimate = estimateRun(p.loaded.scenario, p.model.model, runsOf(p));
    try {
      refuseOverBudget(
        p.loaded,
        estimate,
        { ...budget, maxHours: Number.POSITIVE_INFINITY },
        {
          ...(replications !== undefined ? { replicationsOption: "--replications" } : {}),
        },
      );
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError(
        error.issues.map((issue) => ({
          ...issue,
          file: issue.file.replace(/^--set /, "--vary "),
          message: `point ${p.point.index}: ${issue.message}`,
        })),
      );
    }
    events += estimate.events;
    peakBytes = Math.max(peakBytes, estimate.memoryBytes);
    mine++;
    // Each point's model is composed for its memory (~3 ms): 10,000 points take half a minute.
    progress?.update(mine / own.length);
  }
  refuseGrid(mine, peakBytes, events, jobs, budget);
}

/** Refuses `points` points whose largest needs `peakBytes` and all together `events`, over `jobs` threads. */
function refuseGrid(points: number, peakBytes: number, events: number, jobs: number, budget: Budget): void {
  // Each worker thread holds one point at a time.
  const memory = peakBytes * jobs;
  const hours = events / SIMULATED_EVENTS_PER_SECOND / 3600 / jobs;
  const over =
    memory > budget.maxMemoryGb * 2 ** 30
      ? `${(memory / 2 ** 30).toFixed(1)} GiB with ${jobs} jobs, over --max-memory-gb ${budget.maxMemoryGb} (try fewer --jobs)`
      : hours > budget.maxHours
        ? `about ${events.toExponential(1)} events, ~${hours.toFixed(0)} h with ${jobs} jobs, over --max-hours ${budget.maxHours}`
        : undefined;
  if (over)
    throw new InputError({ file: "--vary", path: "", message: `refused: ${points} points need ${over}` });
}

export function registerSweep(program: Command): void {
  const command = program
    .command("sweep")
    .description("Run a scenario over a grid of parameter values, one CSV row per point (docs/sweep.md)")
    .argument("[scenario]", "scenario file, or the name of a shipped scenario", undefined)
    .option(
      "--vary <path=LIST>",
      "vary a scenario value over LIST = a,b,c or start..end:step (repeatable: Cartesian grid)",
      collect,
      [],
    )
    .option("--set <path=value>", "override a scenario value at every point (repeatable)", collect, [])
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option(
      "--replications <n>",
      "replications per point (overrides the scenario's)",
      positiveInt("replications"),
    )
    .addOption(jobsOption("points"))
    .option(
      "--out <file.csv>",
      "the CSV (default results/<scenario name>/sweep.csv); sidecar <file>.meta.json",
    )
    .option("--resume", "continue the sweep in --out: skip its finished points, re-run failed ones")
    .option("--overwrite", "replace --out if it exists")
    .option("--shard <i/n>", "run only points with index % n == i-1 (1-based, like vitest)")
    .option("--shard-from-env", "take the shard from JOB_COMPLETION_INDEX (0-based; Kubernetes Indexed Job)")
    .option("--shards <n>", "number of shards, with --shard-from-env", positiveInt("shards"))
    .option("--no-progress", "no progress bar on stderr");
  addBudgetOptions(command).action(async (scenarioArg: string | undefined, flags: SweepFlags) => {
    const axes = parseAxes(flags.vary);
    checkConflicts(
      flags.vary,
      flags.set,
      axes.map((a) => a.path),
    );
    for (const [flag, path] of [
      [flags.seed, "seed"],
      [flags.replications, "replications"],
    ] as const) {
      if (flag !== undefined && axes.some((a) => pathKey(a.path) === pathKey(path))) {
        throw new InputError({
          file: `--${path}`,
          path,
          message: `conflicts with --vary ${path}; keep one`,
        });
      }
    }
    const shard = resolveShard(flags);
    const { loaded, model } = loadScenarioAndModel(scenarioArg, flags.set);
    const name = loaded.scenario.name;
    const defaultFile = shard ? `sweep.shard-${shard.index}-of-${shard.count}.csv` : "sweep.csv";
    const outPath = flags.out
      ? resolve(flags.out)
      : join(defaultOutputDir(name, undefined, [defaultFile, sidecarPath(defaultFile)]), defaultFile);
    checkOutputFile(outPath, flags.out ? "--out" : "results", { regularOnly: true });
    const link = loadLink(
      loaded,
      flags.set,
      axes.map((a) => a.path),
    );
    const base: SweepBase = { loaded, model, sets: flags.set, axes, link };
    // The corners first: an absurd range is refused in a second, not after loading the whole grid.
    refuseSweepOverBudget(loadPoints(base, cornerPoints(axes)), null, flags.replications, 1, {
      ...budgetOf(flags),
      maxHours: Number.POSITIVE_INFINITY,
    });
    const points = loadPoints(base, gridPoints(axes));
    if (link) process.stderr.write(`note: ${describeLink(link)}\n`);

    const mine = points.filter((p) => inShard(p.point.index, shard)).length;
    const jobs = Math.max(1, Math.min(flags.jobs ?? availableParallelism(), mine));
    const estimating = createProgress(`sweep ${name}: estimating`, { enabled: flags.progress });
    try {
      refuseSweepOverBudget(points, shard, flags.replications, jobs, budgetOf(flags), estimating);
    } finally {
      estimating.stop();
    }
    const runner = createPointRunner(jobs);
    const progress = createProgress(`sweep ${name}`, { enabled: flags.progress, logEveryMs: LOG_EVERY_MS });
    const controller = new AbortController();
    let signalName: string | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      signalName ??= signal;
      controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const result = await runSweep({
        base,
        points,
        shard,
        replications: flags.replications,
        seed: flags.seed,
        outPath,
        onNote: (message) => process.stderr.write(`${printable(message, 2000)}\n`),
        resume: flags.resume ?? false,
        overwrite: flags.overwrite ?? false,
        runner,
        signal: controller.signal,
        onProgress: (done, total) => progress.update(total > 0 ? done / total : 1, `${done}/${total} points`),
      });
      progress.stop();
      const shardNote = shard ? ` (shard ${shard.index}/${shard.count})` : "";
      const resumed = result.skipped > 0 ? `, ${result.skipped} kept from before` : "";
      process.stderr.write(
        `wrote ${result.written} of ${result.total} points${shardNote} to ${printable(outPath)}${resumed}; sidecar ${printable(sidecarPath(outPath))}\n`,
      );
      if (result.interrupted) {
        process.stderr.write(
          `interrupted: ${result.total - result.written} points left; run again with --resume\n`,
        );
        process.exitCode = SIGNAL_EXIT[signalName ?? "SIGINT"] ?? ExitCode.interrupted;
      } else if (result.errors > 0) {
        process.stderr.write(`${result.errors} points failed: see the rows with status=error\n`);
        process.exitCode = ExitCode.runtimeError;
      }
    } finally {
      progress.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await runner.close();
    }
  });
}
