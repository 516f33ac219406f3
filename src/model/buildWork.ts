import { type Distribution, distributionFromSpec } from "../engine/random/index.js";
import type { ModelFile } from "./modelSchema.js";
import type { Step } from "./requestPipeline.js";

/**
 * Workspace builds' database work from the model's `builds` section (measured statement by statement,
 * docs/model.md "Builds' database work"): the query step of each build phase, and the UpdateJob stream a
 * running build sends. Absent `builds`, callers keep the base model's assumed counts.
 */

type Builds = NonNullable<ModelFile["builds"]>;

/** Commits (WAL flushes) of one UpdateJob: the job UPDATE; a log flush adds its INSERT (its NOTIFY flushes nothing). */
const HEARTBEAT_COMMITS = 1;
const LOG_FLUSH_COMMITS = 2;
/** Statements of the two kinds of UpdateJob (provisionerdserver.go UpdateJob). */
export const HEARTBEAT_STATEMENTS = 2;
export const LOG_FLUSH_STATEMENTS = 4;

const fixed = (value: number): Distribution =>
  distributionFromSpec({ dist: "deterministic", value } as never);

/**
 * One phase's statements as one query step: their measured CPU (the sum, spread evenly over the
 * statements so the pipeline draws it back whole), one round trip each, one commit, its NOTIFY.
 */
export function buildPhaseStep(statements: number, dbCpuSeconds: number): Step {
  const n = Math.max(1, Math.round(statements));
  return {
    kind: "query",
    work: fixed(dbCpuSeconds / n),
    statements: n,
    logged: true,
    notify: true,
    commits: 1,
  };
}

/** The query steps of a build request, an acquire, and a start's or a stop's completion. */
export function buildPhaseSteps(b: Builds) {
  return {
    create: buildPhaseStep(b.create_statements.value, b.create_db_cpu_s.value),
    acquire: buildPhaseStep(b.acquire_statements.value, b.acquire_db_cpu_s.value),
    completeStart: buildPhaseStep(b.complete_start_statements.value, b.complete_start_db_cpu_s.value),
    completeStop: buildPhaseStep(b.complete_stop_statements.value, b.complete_stop_db_cpu_s.value),
  };
}

/** UpdateJob calls per second of one running build: heartbeats every update interval plus log flushes. */
export function updateCallsPerBuildSecond(model: ModelFile): number {
  const b = model.builds;
  const heartbeats = 1 / model.provisioner.update_interval_s.value;
  return b ? heartbeats + 1 / b.log_flush_interval_s.value : heartbeats;
}

/** What one UpdateJob call costs the database on average, and what share of calls carry logs. */
export interface UpdateCallCost {
  dbCpuSeconds: number;
  commits: number;
  /** NOTIFYs per call (log flushes publish the new log id to the job's channel). */
  notifies: number;
}

export function updateCallCost(b: Builds, updateIntervalSeconds: number): UpdateCallCost {
  const heartbeatRate = 1 / updateIntervalSeconds;
  const flushRate = 1 / b.log_flush_interval_s.value;
  const flushShare = flushRate / (heartbeatRate + flushRate);
  return {
    dbCpuSeconds: (1 - flushShare) * b.heartbeat_db_cpu_s.value + flushShare * b.log_flush_db_cpu_s.value,
    commits: (1 - flushShare) * HEARTBEAT_COMMITS + flushShare * LOG_FLUSH_COMMITS,
    notifies: flushShare,
  };
}
