import { InputError, type InputIssue } from "../errors.js";
import { type ReplicationResult, runReplication } from "../model/coderModel.js";
import type { ModelFile } from "../model/modelSchema.js";
import { Timeline } from "../model/timeline.js";
import type { Scenario } from "../scenario/index.js";
import { type PointOutcome, type PointTask, summarizePoint } from "./evaluate.js";

/**
 * One independent simulation a worker thread can run: a replication, or a whole point summarised where it
 * runs. Plain data both ways (structured clone), so the result computed in a worker is the one this thread
 * would have computed, bit for bit.
 */
export type SimulationTask = ReplicationTask | PointSummaryTask;

/** A replication of a resolved scenario under a model with a seed: its result carries its series. */
export interface ReplicationTask {
  kind: "replication";
  scenario: Scenario;
  model: ModelFile;
  seed: number;
}

/** A point run and summarised in one go: only its outcome comes back, its series die where they were made. */
export interface PointSummaryTask {
  kind: "point";
  point: PointTask;
}

/** Runs a task in this thread (a progress callback only splits the run into steps; the result is the same). */
export function runTask(task: ReplicationTask, onProgress?: (fraction: number) => void): ReplicationResult;
export function runTask(
  task: SimulationTask,
  onProgress?: (fraction: number) => void,
): ReplicationResult | PointOutcome;
export function runTask(
  task: SimulationTask,
  onProgress?: (fraction: number) => void,
): ReplicationResult | PointOutcome {
  if (task.kind === "point") return summarizePoint(task.point, onProgress);
  return runReplication(task.scenario, task.model, task.seed, onProgress);
}

/** A replication result after a structured clone: the timeline gets its methods back. */
export function reviveReplication(result: ReplicationResult): ReplicationResult {
  if (!(result.timeline instanceof Timeline)) Object.setPrototypeOf(result.timeline, Timeline.prototype);
  return result;
}

/** An error as plain data, with what the CLI needs to pick the same exit code (issues, system-call code). */
export interface TaskFailure {
  name: string;
  message: string;
  stack?: string;
  issues?: InputIssue[];
  code?: string;
  syscall?: string;
}

export function taskFailure(error: unknown): TaskFailure {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const failure: TaskFailure = { name: error.name, message: error.message };
  if (error.stack !== undefined) failure.stack = error.stack;
  if (error instanceof InputError) failure.issues = [...error.issues];
  const sys = error as NodeJS.ErrnoException;
  if (typeof sys.code === "string") failure.code = sys.code;
  if (typeof sys.syscall === "string") failure.syscall = sys.syscall;
  return failure;
}

/** The error a failure stood for: an InputError stays one (exit 2), a system error keeps its code. */
export function reviveFailure(failure: TaskFailure): Error {
  if (failure.issues) return new InputError(failure.issues);
  const error: Error & { code?: string; syscall?: string } = new Error(failure.message);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  if (failure.code !== undefined) error.code = failure.code;
  if (failure.syscall !== undefined) error.syscall = failure.syscall;
  return error;
}
