import YAML from "yaml";
import type { ConfidenceInterval } from "../engine/stats/confidence.js";
import { STATS_BATCH_LARGE, STATS_BATCH_SMALL } from "./catalog.js";
import type { ClassResult } from "./measure.js";
import { holdSection, holdTable, notifyCommitFigure } from "./notifyHoldReport.js";
import type { MeasureDbResult } from "./runMeasureDb.js";
import { buildsPerWorkspace } from "./schema.js";

/**
 * The measured costs as a model overlay (models/*.yaml style: every number with value, unit and a
 * source naming machine, PostgreSQL version, data volume, date and statement), and as a text table.
 */

interface Figure {
  value: number;
  unit: string;
  ci95?: [number, number];
  source: string;
}

const sig = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/** "AMD EPYC (2 cores), PostgreSQL 18.4 (...), 2000 workspaces ..., 2026-01-02" */
export function provenance(r: MeasureDbResult): string {
  const v = r.volume;
  return (
    `measured ${r.date.slice(0, 10)} by capsim measure-db on ${r.machine.cpuModel} (${r.machine.cores} cores), ` +
    `PostgreSQL ${r.server.version} (${r.server.origin}), ${v.workspaces} workspaces (${buildsPerWorkspace(v)} build${buildsPerWorkspace(v) === 1 ? "" : "s"} each, ` +
    `${r.rows.workspace_agents ?? v.workspaces} agents), ${r.rows.users ?? v.workspaces} users, ` +
    `${r.rows.workspace_agent_stats ?? "?"} agent stats rows (${v.statsHistoryMinutes} min)`
  );
}

function figure(
  ci: ConfidenceInterval | undefined,
  unit: string,
  how: string,
  res: ClassResult,
  prov: string,
): Figure | undefined {
  if (!ci) return undefined;
  const out: Figure = { value: sig(ci.mean), unit, source: "" };
  if (Number.isFinite(ci.halfWidth)) out.ci95 = [sig(ci.lo), sig(ci.hi)];
  out.source = `${prov}; statement ${res.cls.id} (${res.cls.coderQueries.join(", ")}); ${how}; mean of ${res.batches} batches of ${res.executionsPerBatch}`;
  return out;
}

function statementEntry(res: ClassResult, r: MeasureDbResult) {
  const prov = provenance(r);
  const f = (ci: ConfidenceInterval | undefined, unit: string, how: string) =>
    figure(ci, unit, how, res, prov);
  const entry: Record<string, unknown> = {
    coder_queries: res.cls.coderQueries,
    used_by: res.cls.usedBy,
    statement_source: res.cls.source,
    statement: res.cls.sql || "select pg_notify('<channel>', $1)",
    rows_per_execution: {
      value: sig(res.rows),
      unit: "rows",
      source: `${prov}; statement ${res.cls.id}; pg_stat_statements rows / calls`,
    },
    cpu_s_per_execution: f(
      res.backendCpuSeconds,
      "s",
      "CPU time of the server backend process (/proc/<pid>/schedstat) and of the parallel workers it started (the postmaster's reaped children, /proc/<pid>/stat cutime + cstime) per execution: parse, plan, execute, commit",
    ),
    statement_time_s_per_execution: f(
      res.cpuSeconds,
      "s",
      `pg_stat_statements (total_plan_time + total_exec_time) / calls${r.server.trackPlanning ? "" : " (planning not tracked)"}: elapsed time inside the statement, CPU plus any wait`,
    ),
    wal_bytes_per_commit: f(
      res.walBytes,
      "B",
      "pg_current_wal_lsn() advance per commit (records, commit record, full-page images)",
    ),
    statement_wal_bytes_per_execution: f(res.statementWalBytes, "B", "pg_stat_statements wal_bytes / calls"),
    wal_records_per_commit: f(res.walRecords, "records", "pg_stat_wal wal_records per commit (server-wide)"),
    wal_full_page_images_per_commit: f(res.walFpi, "pages", "pg_stat_statements wal_fpi / calls"),
    wal_writes_per_commit: f(
      res.walWrites,
      "writes",
      r.server.versionNum >= 180000
        ? "pg_stat_io (object wal) writes per commit"
        : "pg_stat_wal wal_write per commit",
    ),
    wal_fsyncs_per_commit: f(
      res.walSyncs,
      "fsyncs",
      `${r.server.versionNum >= 180000 ? "pg_stat_io (object wal) fsyncs" : "pg_stat_wal wal_sync"} per commit: disk flushes, one client committing alone (no group commit)`,
    ),
    client_s_per_execution: f(
      res.wallSeconds,
      "s",
      "time per execution seen by the client on the same machine",
    ),
  };
  for (const k of Object.keys(entry)) if (entry[k] === undefined) delete entry[k];
  return entry;
}

/** The CPU figure the model parameters use: the backend's CPU when read, else pg_stat_statements time. */
function cpuOf(res: ClassResult): { ci: ConfidenceInterval; how: string } {
  return res.backendCpuSeconds
    ? { ci: res.backendCpuSeconds, how: "backend process CPU" }
    : { ci: res.cpuSeconds, how: "pg_stat_statements plan+exec time (server not local: no process CPU)" };
}

const READS = [
  "api_key_lookup",
  "user_lookup",
  "agent_token_lookup",
  "workspace_lookup",
  "agent_lookup",
  "workspace_by_agent_lookup",
];

/** Values for the parameters of models/coder-v2.8.yaml that the measured statements stand for. */
function modelParameters(r: MeasureDbResult): Record<string, Record<string, Figure>> {
  const prov = provenance(r);
  const by = new Map(r.results.map((x) => [x.cls.id, x]));
  const db: Record<string, Figure> = {};
  const one = (param: string, id: string, note: string) => {
    const res = by.get(id);
    if (!res) return;
    const { ci, how } = cpuOf(res);
    db[param] = {
      value: sig(ci.mean),
      unit: "s",
      source: `${prov}; ${how} of ${id} (${res.cls.coderQueries.join(", ")}); ${note}`,
    };
  };
  const reads = READS.map((id) => by.get(id)).filter((x): x is ClassResult => x !== undefined);
  if (reads.length > 0) {
    const mean = reads.reduce((s, x) => s + cpuOf(x).ci.mean, 0) / reads.length;
    db.read_query_cpu_s = {
      value: sig(mean),
      unit: "s",
      source: `${prov}; mean ${cpuOf(reads[0]!).how} of the indexed single-row reads ${reads.map((x) => x.cls.id).join(", ")}`,
    };
  }
  one("write_query_cpu_s", "heartbeat_update", "a single-row logged UPDATE committed alone");
  one("notify_cpu_s", "metadata_notify_per_agent", "one pg_notify committed alone");
  one("activity_bump_cpu_s", "activity_bump", "the bump applied (deadline moved)");
  const small = by.get("stats_insert_small");
  const large = by.get("stats_insert_large");
  if (small && large) {
    const slope = (cpuOf(large).ci.mean - cpuOf(small).ci.mean) / (STATS_BATCH_LARGE - STATS_BATCH_SMALL);
    db.batch_row_cpu_s = {
      value: sig(slope),
      unit: "s",
      source: `${prov}; ${cpuOf(large).how}: (stats_insert_large - stats_insert_small) / (${STATS_BATCH_LARGE} - ${STATS_BATCH_SMALL}) rows of InsertWorkspaceAgentStats`,
    };
  }
  const stats = by.get("deployment_agent_stats");
  if (stats) {
    db.deployment_stats_cpu_s_per_agent = {
      value: sig(cpuOf(stats).ci.mean / r.volume.workspaces),
      unit: "s",
      source: `${prov}; ${cpuOf(stats).how} of GetDeploymentWorkspaceAgentStats (15-min window) / ${r.volume.workspaces} agents`,
    };
  }
  return { database: db };
}

export function overlayDocument(r: MeasureDbResult, command: string): string {
  const params = modelParameters(r);
  const notifyCommit = r.notifyHold && notifyCommitFigure(r.notifyHold, provenance(r), command);
  if (notifyCommit) params.database!.notify_commit_s = notifyCommit;
  const doc = {
    name: `measure-db-${r.date.slice(0, 10)}`,
    description:
      "Per-statement PostgreSQL costs of the statements coderd issues, measured by `capsim measure-db` " +
      "against a Coder-shaped schema. A model overlay: `model_parameters` gives values for parameters of " +
      "models/coder-v2.8.yaml (each with unit and source); `statements` has every measured figure.",
    measured_with: {
      command,
      date: r.date,
      machine: {
        cpu_model: r.machine.cpuModel,
        cores: r.machine.cores,
        memory_gb: r.machine.memoryGb,
        kernel: r.machine.kernel,
      },
      postgresql: { version: r.server.version, origin: r.server.origin, settings: r.server.settings },
      data_volume: {
        ...r.rows,
        stats_history_minutes: r.volume.statsHistoryMinutes,
        builds_per_workspace: buildsPerWorkspace(r.volume),
      },
      method:
        "one connection, autocommit (as coderd runs these statements), parameters bound per execution " +
        "(extended protocol, planned each time). Each statement class: a warm-up over the rows it touches " +
        "(writes in one transaction, so later batches see no first-touch full-page images), then " +
        `${r.results[0]?.batches ?? 0} batches; each figure is the batch mean with a 95 % t interval over batches. ` +
        "Server-wide counters (WAL position, pg_stat_wal, pg_stat_io) include background processes; autovacuum " +
        "is off on a server measure-db starts.",
    },
    model_parameters: params,
    statements: Object.fromEntries(r.results.map((x) => [x.cls.id, statementEntry(x, r)])),
    ...(r.notifyHold && { notify_commit_hold: holdSection(r.notifyHold) }),
  };
  const header = `# Generated by ${command}\n# ${provenance(r)}\n`;
  return header + YAML.stringify(doc, { lineWidth: 0, blockQuote: "literal" });
}

/** One line per statement class: the figures a reader compares first. */
export function textTable(r: MeasureDbResult): string {
  const head = [
    "statement",
    "rows",
    "execs",
    "cpu ms/exec (95% CI)",
    "stmt ms",
    "WAL B/commit",
    "WAL rec",
    "fsync/commit",
  ];
  const fmt = (ci: ConfidenceInterval | undefined, scale: number, digits: number) =>
    ci ? (ci.mean * scale).toFixed(digits) : "-";
  const ciText = (ci: ConfidenceInterval | undefined) =>
    ci
      ? `${(ci.mean * 1e3).toFixed(3)} (${Number.isFinite(ci.lo) ? `${(ci.lo * 1e3).toFixed(3)}..${(ci.hi * 1e3).toFixed(3)}` : "n=1"})`
      : "-";
  const rows = r.results.map((x) => [
    x.cls.id,
    String(Math.round(x.rows)),
    String(x.executionsPerBatch * x.batches),
    ciText(x.backendCpuSeconds ?? x.cpuSeconds),
    fmt(x.cpuSeconds, 1e3, 3),
    fmt(x.walBytes, 1, 0),
    fmt(x.walRecords, 1, 1),
    fmt(x.walSyncs, 1, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const cpuNote = r.results.some((x) => x.backendCpuSeconds)
    ? "cpu = CPU time of the server backend process and its parallel workers; stmt = pg_stat_statements plan+exec time (includes waiting for a CPU)"
    : "cpu = pg_stat_statements plan+exec time (server not local: no process CPU)";
  const statements =
    r.results.length === 0
      ? []
      : [
          `PostgreSQL ${r.server.version}, synchronous_commit=${r.server.settings.synchronous_commit ?? "?"}; ${cpuNote}`,
          "",
          line(head),
          line(widths.map((w) => "-".repeat(w))),
          ...rows.map(line),
          "",
        ];
  return [
    `capsim measure-db  ${provenance(r)}`,
    ...statements,
    ...(r.notifyHold ? [holdTable(r.notifyHold)] : []),
  ].join("\n");
}
