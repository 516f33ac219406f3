import type pg from "pg";
import { parseLsn } from "./measure.js";

/**
 * Server-wide counters a replay window reads before and after (PostgreSQL 15+; WAL I/O by process type
 * from pg_stat_io on 18+): commits, WAL, fsyncs and who made them, checkpoints, and the hot tables'
 * updates (HOT or not) and autovacuum runs.
 */
export interface Snapshot {
  commits: number;
  rollbacks: number;
  walLsn: bigint;
  wal: Record<string, number>;
  /** WAL writes and fsyncs by backend type (pg_stat_io object 'wal'), PostgreSQL 18+. */
  walIo: Record<string, { writes: number; fsyncs: number }>;
  checkpointer: Record<string, number>;
  tables: Record<string, Record<string, number>>;
}

export type SnapshotDelta = Omit<Snapshot, "walLsn"> & { walBytes: number };

const HOT_TABLES = ["workspace_agents", "workspace_agent_metadata", "workspace_agent_stats"];

async function row(c: pg.Client, sql: string): Promise<Record<string, number>> {
  try {
    const r = (await c.query(sql)).rows[0] as Record<string, string> | undefined;
    return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, Number(v)]));
  } catch {
    return {}; // a view this server version lacks
  }
}

export async function serverSnapshot(c: pg.Client): Promise<Snapshot> {
  await c.query("SELECT pg_stat_force_next_flush()").catch(() => {});
  const db = await row(
    c,
    "SELECT xact_commit AS commits, xact_rollback AS rollbacks FROM pg_stat_database WHERE datname = current_database()",
  );
  const lsn = (await c.query<{ l: string }>("SELECT pg_current_wal_lsn()::text AS l")).rows[0]!.l;
  const wal = await row(c, "SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full FROM pg_stat_wal");
  const walIo: Snapshot["walIo"] = {};
  try {
    const r = await c.query<{ t: string; w: string; f: string }>(
      "SELECT backend_type AS t, coalesce(sum(writes), 0) AS w, coalesce(sum(fsyncs), 0) AS f FROM pg_stat_io WHERE object = 'wal' GROUP BY backend_type",
    );
    for (const x of r.rows) walIo[x.t] = { writes: Number(x.w), fsyncs: Number(x.f) };
  } catch {
    // before PostgreSQL 18 pg_stat_io has no WAL rows
  }
  const checkpointer = await row(
    c,
    "SELECT num_timed, num_requested, buffers_written, write_time, sync_time FROM pg_stat_checkpointer",
  );
  const tables: Snapshot["tables"] = {};
  const r = await c.query<Record<string, string>>(
    `SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_dead_tup, autovacuum_count, autoanalyze_count
     FROM pg_stat_user_tables WHERE relname = ANY($1)`,
    [HOT_TABLES],
  );
  for (const x of r.rows) {
    const { relname, ...rest } = x;
    tables[relname!] = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, Number(v)]));
  }
  return {
    commits: db.commits ?? 0,
    rollbacks: db.rollbacks ?? 0,
    walLsn: parseLsn(lsn),
    wal,
    walIo,
    checkpointer,
    tables,
  };
}

const diff = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]));

export function snapshotDelta(a: Snapshot, b: Snapshot): SnapshotDelta {
  const walIo: SnapshotDelta["walIo"] = {};
  for (const [t, v] of Object.entries(b.walIo)) {
    const w = a.walIo[t] ?? { writes: 0, fsyncs: 0 };
    if (v.writes - w.writes > 0 || v.fsyncs - w.fsyncs > 0)
      walIo[t] = { writes: v.writes - w.writes, fsyncs: v.fsyncs - w.fsyncs };
  }
  const tables: SnapshotDelta["tables"] = {};
  for (const [t, v] of Object.entries(b.tables)) {
    const d = diff(a.tables[t] ?? {}, v);
    d.n_dead_tup = v.n_dead_tup ?? 0; // a level, not a counter
    tables[t] = d;
  }
  return {
    commits: b.commits - a.commits,
    rollbacks: b.rollbacks - a.rollbacks,
    walBytes: Number(b.walLsn - a.walLsn),
    wal: diff(a.wal, b.wal),
    walIo,
    checkpointer: diff(a.checkpointer, b.checkpointer),
    tables,
  };
}
