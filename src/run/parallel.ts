import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import type { ReplicationResult } from "../model/coderModel.js";
import type { ModelFile } from "../model/modelSchema.js";
import type { Scenario } from "../scenario/index.js";
import type { PointOutcome, PointTask } from "../sweep/evaluate.js";
import { type ReplicationTask, reviveReplication, runTask, type SimulationTask } from "../sweep/tasks.js";
import { WORKER_SCRIPT, WorkerPool } from "../sweep/workerPool.js";

/**
 * Parallel replications on the sweep's worker threads, for synchronous callers. A replication's result
 * depends only on (scenario, model, seed), so where it runs changes nothing but the wall time.
 */

let jobsDefault: number | undefined;

/** Sets the worker count every later simulation uses by default (the CLI's `--jobs`). */
export function setDefaultJobs(jobs: number): void {
  jobsDefault = Math.max(1, Math.floor(jobs));
}

/** Available cores on the main thread of a built capsim; 1 inside a worker or when run from sources. */
export function defaultJobs(): number {
  if (!isMainThread || !existsSync(fileURLToPath(WORKER_SCRIPT))) return 1;
  return jobsDefault ?? availableParallelism();
}

let shared: WorkerPool | undefined;

/**
 * One pool for the whole process, sized by the largest request so far; its threads never hold the
 * process open. `jobs` counts the calling thread, which runs its own batch's tasks while it waits.
 */
function poolFor(jobs: number): WorkerPool {
  if (!shared || shared.parallelism < jobs - 1) {
    void shared?.close();
    shared = new WorkerPool(jobs - 1, true);
  }
  return shared;
}

/** Tasks the calling thread has run itself while waiting on the shared pool (0 without one). */
export function tasksRunHere(): number {
  return shared?.tasksRunHere ?? 0;
}

/** Replies the shared pool holds for callers that have not taken them yet (0 without one). */
export function repliesHeld(): number {
  return shared?.repliesHeld ?? 0;
}

/**
 * Tasks already handed to workers: `results()` blocks until all are back, in task order (the same array
 * on every call). `withdraw()` lets go of them instead: those not yet started never run.
 * `rerank(ahead)` makes those not yet started run-ahead work of that rank, or (undefined) the caller's own.
 */
export interface Started<T> {
  results(onProgress?: (fraction: number) => void): T[];
  withdraw(): void;
  rerank(ahead?: number): void;
}

/** A run's replications, started. */
export type StartedReplications = Started<ReplicationResult>;

/**
 * Starts tasks on the pool (when there is one and more than one job), else runs them here when asked.
 * `ahead`: run-ahead work of that rank: idle workers take it lower ranks first, when no caller's own
 * task is queued; a caller waiting on the pool runs rank 0 itself (src/sweep/workerPool.ts `awaitSync`).
 */
export function startTasks(
  tasks: readonly ReplicationTask[],
  jobs = defaultJobs(),
  ahead?: number,
): StartedReplications {
  return startTaskGroups([tasks], jobs, ahead)[0]!;
}

/**
 * Starts several runs' tasks as one batch (sensitivity points, prediction draws): while it waits for any
 * of them, the calling thread runs the batch's queued tasks before any other caller's.
 */
export function startTaskGroups(
  groups: readonly (readonly ReplicationTask[])[],
  jobs = defaultJobs(),
  ahead?: number,
): StartedReplications[] {
  return startGroups(groups, (value) => reviveReplication(value as ReplicationResult), jobs, ahead);
}

/**
 * Starts independent points as one batch, each run and summarised whole on one thread (src/sweep/evaluate.ts
 * `summarizePoint`): only its outcome comes back, so no point's series outlive its summary.
 */
export function startPoints(points: readonly PointTask[], jobs = defaultJobs()): Started<PointOutcome>[] {
  const groups = points.map((point) => [{ kind: "point" as const, point }]);
  return startGroups(groups, (value) => value as PointOutcome, jobs);
}

/** Starts groups of tasks on the pool, or to run here on demand; `revive` makes a reply its result again. */
function startGroups<T>(
  groups: readonly (readonly SimulationTask[])[],
  revive: (value: unknown) => T,
  jobs: number,
  ahead?: number,
): Started<T>[] {
  const none = groups.every((tasks) => tasks.length === 0);
  if (jobs <= 1 || none || !isMainThread || !existsSync(fileURLToPath(WORKER_SCRIPT))) {
    return groups.map((tasks) => {
      let done: T[] | undefined;
      return {
        results: (onProgress) => (done ??= runHere(tasks, revive, onProgress)),
        withdraw: () => {},
        rerank: () => {},
      };
    });
  }
  const pool = poolFor(jobs);
  const tickets = groups.map((tasks) => tasks.map((t) => pool.submitSync(t, ahead)));
  const batch = tickets.flat();
  return tickets.map((mine) => {
    let done: T[] | undefined;
    return {
      results(onProgress) {
        done ??= awaitAll(pool, mine, revive, onProgress, batch);
        return done;
      },
      withdraw: () => pool.withdraw(mine),
      rerank: (ahead) => pool.rerank(mine, ahead),
    };
  });
}

/** One run's replications started one by one (src/plan/runAhead.ts): results in replication order. */
export function joinStarted(parts: readonly StartedReplications[]): StartedReplications {
  let done: ReplicationResult[] | undefined;
  const n = parts.length;
  return {
    results: (onProgress) =>
      (done ??= parts.flatMap((p, i) => p.results(onProgress && ((f) => onProgress((i + f) / n))))),
    withdraw: () => {
      for (const p of parts) p.withdraw();
    },
    rerank: (ahead) => {
      for (const p of parts) p.rerank(ahead);
    },
  };
}

function runHere<T>(
  tasks: readonly SimulationTask[],
  revive: (value: unknown) => T,
  onProgress?: (fraction: number) => void,
): T[] {
  const n = tasks.length;
  return tasks.map((task, r) => revive(runTask(task, onProgress && ((f) => onProgress((r + f) / n)))));
}

function awaitAll<T>(
  pool: WorkerPool,
  tickets: readonly number[],
  revive: (value: unknown) => T,
  onProgress?: (fraction: number) => void,
  batch: readonly number[] = tickets,
): T[] {
  const finished = new Set<number>();
  const report = (running: readonly number[]): void => {
    let sum = finished.size;
    for (const t of tickets) if (!finished.has(t)) sum += pool.hasReply(t) ? 1 : (running[t] ?? 0);
    onProgress?.(sum / tickets.length);
  };
  return tickets.map((ticket) => {
    const result = revive(pool.awaitSync(ticket, onProgress && report, batch));
    finished.add(ticket);
    return result;
  });
}

/** The tasks of `replications` replications of a scenario, seeded by `seedOf(r)`. */
export function replicationTasks(
  scenario: Scenario,
  model: ModelFile,
  replications: number,
  seedOf: (r: number) => number,
): ReplicationTask[] {
  return Array.from({ length: replications }, (_, r) => ({
    kind: "replication" as const,
    scenario,
    model,
    seed: seedOf(r),
  }));
}
