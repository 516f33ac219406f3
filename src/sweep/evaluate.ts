import { intervalBounds, UNIT_RANGE } from "../engine/stats/confidence.js";
import type { LoadedModel } from "../model/loadModel.js";
import { startPoints } from "../run/parallel.js";
import { type RunOutput, type RunSummary, runScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";

/** One simulation job: a fully resolved scenario and model (plain data, so it crosses to a worker). */
export interface PointTask {
  /** The point's index in the grid (or any caller-chosen id). */
  index: number;
  loaded: LoadedScenario;
  model: LoadedModel;
  /** Overrides the scenario's replications. */
  replications?: number;
  /** Overrides the scenario's base seed. */
  seed?: number;
}

/** What a point yields: the run summary, plus utilisation CIs the summary does not carry. */
export interface PointOutcome {
  index: number;
  summary: RunSummary;
  /** 95% CI of each resource's utilisation over replications, by resource name; null with one replication. */
  utilizationCi: Record<string, [number, number] | null>;
}

/**
 * Runs one point. Every point uses the same replication seeds (`replicationSeed(baseSeed, r)`):
 * common random numbers, so neighbouring points differ by the parameter, not by noise, and a point's
 * result depends on nothing but its scenario, model and seed (not on --jobs, order or shard).
 */
export function evaluatePoint(task: PointTask): PointOutcome {
  const run = runScenario(task.loaded, task.model, { replications: task.replications, seed: task.seed });
  return pointOutcome(task.index, run);
}

/**
 * Runs a point's replications in this thread and summarises them as `evaluatePoint` does: a worker's whole
 * task (src/run/parallel.ts `startPoints`), so its series are dropped where they were made.
 */
export function summarizePoint(task: PointTask, onProgress?: (fraction: number) => void): PointOutcome {
  const options = { replications: task.replications, seed: task.seed, jobs: 1 };
  return pointOutcome(task.index, runScenario(task.loaded, task.model, { ...options, onProgress }));
}

/**
 * Runs independent points (prediction draws, sensitivity trajectories): by default every point is handed
 * to the worker pool at once (`--jobs`), each run and summarised whole where it runs, so only summaries
 * come back (a week's draw would bring ~450 MB of series); a caller's `evaluate` runs them one at a time.
 */
export function evaluatePoints(
  tasks: readonly PointTask[],
  opts: { evaluate?: (task: PointTask) => PointOutcome; onDone?: (done: number, total: number) => void } = {},
): PointOutcome[] {
  const { evaluate, onDone } = opts;
  const done = (outcome: PointOutcome, i: number): PointOutcome => {
    onDone?.(i + 1, tasks.length);
    return outcome;
  };
  if (evaluate) return tasks.map((t, i) => done(evaluate(t), i));
  // One batch, so this thread runs queued points while it waits (one-replication points would leave it idle).
  const started = startPoints(tasks);
  return started.map((s, i) => done(s.results()[0]!, i));
}

/** A point's outcome from its run, however the run's replications were computed. */
export function pointOutcome(index: number, { summary, replicationResults }: RunOutput): PointOutcome {
  const utilizationCi: PointOutcome["utilizationCi"] = {};
  summary.resources.forEach((resource, i) => {
    const values = replicationResults
      .map((rep) => rep.resources[i]?.utilization ?? Number.NaN)
      .filter((v) => Number.isFinite(v));
    utilizationCi[resource.name] = intervalBounds(values, 0.95, UNIT_RANGE);
  });
  return { index, summary, utilizationCi };
}
