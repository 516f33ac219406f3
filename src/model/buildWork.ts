import { type Distribution, distributionFromSpec } from "../engine/random/index.js";
import { jobAcquireFor, since } from "./coderVersion.js";
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
/**
 * Statements of the two kinds of UpdateJob (provisionerdserver.go UpdateJob): the job lookup with
 * dbauthz's build-by-job and workspace fetches, the job update; a log flush adds the insert and its NOTIFY.
 */
export const HEARTBEAT_STATEMENTS = 4;
export const LOG_FLUSH_STATEMENTS = 6;

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

/** Which of the builds' version-dependent statements a Coder version issues (the model's `versions`). */
export interface BuildEra {
  /** coderd's Acquirer: on each job posting every replica's waiting daemons query (PR era of acquirer.go). */
  acquirer: boolean;
  /** The build request's response ranks pending jobs against online daemons (PR #16685). */
  queuePositionByDaemon: boolean;
  /** v2.20's acquire reads (owner's SSH key, groups, roles) and CompleteJob's job timings. */
  v2_20: boolean;
  /** Workspace lookups read the workspaces_expanded view (PR #15116). */
  workspacesExpanded: boolean;
}

export function buildEraFor(version: string | undefined, model: ModelFile): BuildEra {
  const v = model.versions;
  return {
    // One answer to "does this version acquire through the Acquirer": the one idle polling uses.
    acquirer: version !== undefined && jobAcquireFor(version, model) === "acquirer",
    queuePositionByDaemon: since(version, v.queue_position_by_daemon),
    v2_20: since(version, v.build_statements_v2_20),
    workspacesExpanded: since(version, v.workspaces_expanded),
  };
}

const NO_ERA: BuildEra = {
  acquirer: false,
  queuePositionByDaemon: false,
  v2_20: false,
  workspacesExpanded: false,
};

/** The CPU a phase's workspace lookups add when they read the workspaces_expanded view (0 before it). */
export function viewExtra(b: Builds, era: BuildEra, fetches: { value: number } | undefined): number {
  const view = b.workspace_view_lookup_db_cpu_s;
  const table = b.workspace_table_lookup_db_cpu_s;
  if (!era.workspacesExpanded || !view || !table || !fetches) return 0;
  return fetches.value * (view.value - table.value);
}

/** A phase's statements and CPU, with the v2.20 extras when the era has them and the model gives them. */
function withExtra(
  statements: number,
  cpu: number,
  extra: { statements?: { value: number }; cpu?: { value: number } },
  on: boolean,
) {
  if (!on || extra.statements === undefined || extra.cpu === undefined)
    return buildPhaseStep(statements, cpu);
  return buildPhaseStep(statements + extra.statements.value, cpu + extra.cpu.value);
}

/** The query steps of a build request, an acquire, and a start's or a stop's completion. */
export function buildPhaseSteps(b: Builds, era: BuildEra = NO_ERA) {
  const complete = { statements: b.complete_v2_20_statements, cpu: b.complete_v2_20_db_cpu_s };
  const completeView = viewExtra(b, era, b.complete_workspace_fetches);
  return {
    create: buildPhaseStep(
      b.create_statements.value,
      b.create_db_cpu_s.value + viewExtra(b, era, b.create_workspace_fetches),
    ),
    acquire: withExtra(
      b.acquire_statements.value,
      b.acquire_db_cpu_s.value + viewExtra(b, era, b.acquire_workspace_fetches),
      { statements: b.acquire_v2_20_statements, cpu: b.acquire_v2_20_db_cpu_s },
      era.v2_20,
    ),
    completeStart: withExtra(
      b.complete_start_statements.value,
      b.complete_start_db_cpu_s.value + completeView,
      complete,
      era.v2_20,
    ),
    completeStop: withExtra(
      b.complete_stop_statements.value,
      b.complete_stop_db_cpu_s.value + completeView,
      complete,
      era.v2_20,
    ),
  };
}

/** A query whose CPU is a fixed part plus a part per row the caller counts (rows given at request start). */
export function perRowStep(fixedSeconds: number, perRowSeconds: number): Step {
  return {
    kind: "query",
    work: fixed(fixedSeconds),
    statements: 1,
    logged: false,
    notify: false,
    perRowSeconds,
  };
}

/**
 * AcquireProvisionerJob calls that find nothing when a job is posted (coderd/provisionerdserver/acquirer.go):
 * each replica with a waiting daemon has one acquiree cleared (jobPosted wakes one domain per replica), one
 * wins, and the winner's `done` clears its next waiting daemon, which finds the queue empty. Idle daemons
 * are taken as spread evenly over the replicas.
 */
export function emptyAcquires(replicas: number, idleDaemons: number): number {
  if (replicas < 1 || idleDaemons < 1) return 0;
  const waiting = Math.min(replicas, idleDaemons);
  const winnersNext = Math.min(1, Math.max(0, idleDaemons - replicas) / replicas);
  return waiting - 1 + winnersNext;
}

/** Pairs the queue-position query ranks: pending jobs (the new one included) × online daemons. */
export function queuePositionPairs(pendingBefore: number, daemons: number): number {
  return (pendingBefore + 1) * daemons;
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

export function updateCallCost(
  b: Builds,
  updateIntervalSeconds: number,
  era: BuildEra = NO_ERA,
): UpdateCallCost {
  const heartbeatRate = 1 / updateIntervalSeconds;
  const flushRate = 1 / b.log_flush_interval_s.value;
  const flushShare = flushRate / (heartbeatRate + flushRate);
  // Both kinds of call look the job's workspace up (dbauthz's fetch behind GetProvisionerJobByID).
  const view = viewExtra(b, era, b.update_job_workspace_fetches);
  return {
    dbCpuSeconds:
      (1 - flushShare) * b.heartbeat_db_cpu_s.value + flushShare * b.log_flush_db_cpu_s.value + view,
    commits: (1 - flushShare) * HEARTBEAT_COMMITS + flushShare * LOG_FLUSH_COMMITS,
    notifies: flushShare,
  };
}
