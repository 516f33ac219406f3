import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type pg from "pg";
import { type ConfidenceInterval, confidenceInterval } from "../engine/stats/confidence.js";
import { type StatementClass, statementText } from "./catalog.js";
import { parentOf, reapedChildrenSeconds } from "./serverCpu.js";

/**
 * Measures each statement class in repeated batches of N executions on one connection (autocommit,
 * as coderd runs them): the server's CPU per execution from pg_stat_statements (planning + execution)
 * and from the backend process's own CPU counters, the WAL per commit from the WAL insert position and
 * pg_stat_wal, and the WAL writes and fsyncs per commit. Each figure gets a t interval over batches.
 */

export interface MeasureOptions {
  batches: number;
  /** Seconds of measurement per statement class (warm-up included). */
  secondsPerClass: number;
  /** The server runs on this machine: read the worker backend's CPU time from /proc. */
  procStat: boolean;
  log: (line: string) => void;
  /** Checked between batches; true stops the measurement (SIGINT). */
  interrupted: () => boolean;
}

export interface ClassResult {
  cls: StatementClass;
  executionsPerBatch: number;
  batches: number;
  /** pg_stat_statements total_plan_time + total_exec_time per call, seconds. */
  cpuSeconds: ConfidenceInterval;
  /** utime + stime of the backend per execution, seconds (undefined when the server is not local). */
  backendCpuSeconds?: ConfidenceInterval;
  /** WAL insert position advance per commit (includes commit records and full-page images), bytes. */
  walBytes: ConfidenceInterval;
  /** pg_stat_statements wal_bytes per call: the statement's own WAL, without its commit record. */
  statementWalBytes: ConfidenceInterval;
  walRecords?: ConfidenceInterval;
  walFpi: ConfidenceInterval;
  /** WAL write() calls and fsyncs per commit (server-wide counters). */
  walWrites?: ConfidenceInterval;
  walSyncs?: ConfidenceInterval;
  /** Client-observed time per execution, seconds (round trip included). */
  wallSeconds: ConfidenceInterval;
  /** Rows per call as pg_stat_statements counted them. */
  rows: number;
}

export interface ServerFacts {
  versionNum: number;
  version: string;
  trackPlanning: boolean;
}

/** Executions in a warm-up: one pass over the 2000 agents or workspaces of the default volume. */
const WARM_UP_EXECUTIONS = 2000;

interface Counters {
  lsn: bigint;
  wal?: { records: number; fpi: number; writes?: number; syncs?: number };
  cpuSeconds?: number;
}

export class Measurer {
  private backendPid = 0;
  /** The postmaster: its reaped children's CPU counts the parallel workers a statement started. */
  private postmasterPid = 0;
  private counter = 0;

  constructor(
    private readonly control: pg.Client,
    private readonly worker: pg.Client,
    private readonly server: ServerFacts,
    private readonly opts: MeasureOptions,
  ) {}

  async init(): Promise<void> {
    const r = await this.worker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    this.backendPid = r.rows[0]!.pid;
    if (this.opts.procStat) this.postmasterPid = parentOf(this.backendPid);
  }

  async measure(cls: StatementClass): Promise<ClassResult> {
    const { batches, secondsPerClass } = this.opts;
    await this.warmUp(cls, secondsPerClass * 0.15);
    const perExecution = await this.pilot(cls, secondsPerClass * 0.1);
    const batchSeconds = (secondsPerClass * 0.75) / batches;
    const n = Math.max(1, Math.min(cls.maxExecutions ?? 20_000, Math.floor(batchSeconds / perExecution)));
    const samples: Record<string, number[]> = {};
    const add = (k: string, v: number | undefined) => {
      if (v === undefined) return;
      samples[k] ??= [];
      samples[k].push(v);
    };
    let rows = 0;
    for (let b = 0; b < batches; b++) {
      if (this.opts.interrupted()) throw new Error("interrupted");
      await cls.beforeBatch?.(this.control);
      await this.flushStats();
      await this.resetStatements();
      const before = await this.counters();
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < n; k++) await this.execute(cls);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      await this.flushStats();
      const after = await this.counters();
      const st = await this.statementTotals();
      if (st.calls !== n) {
        throw new Error(`${cls.id}: pg_stat_statements counted ${st.calls} calls for ${n} executions`);
      }
      rows = st.rows / n;
      add("cpu", (st.planMs + st.execMs) / 1000 / n);
      add("wall", wall / n);
      add("walBytes", Number(after.lsn - before.lsn) / n);
      add("stmtWal", st.walBytes / n);
      add("fpi", st.walFpi / n);
      if (before.cpuSeconds !== undefined && after.cpuSeconds !== undefined) {
        add("backendCpu", (after.cpuSeconds - before.cpuSeconds) / n);
      }
      if (before.wal && after.wal) {
        add("walRecords", (after.wal.records - before.wal.records) / n);
        if (before.wal.writes !== undefined && after.wal.writes !== undefined) {
          add("walWrites", (after.wal.writes - before.wal.writes) / n);
          add("walSyncs", ((after.wal.syncs ?? 0) - (before.wal.syncs ?? 0)) / n);
        }
      }
    }
    const ci = (k: string) => (samples[k] ? confidenceInterval(samples[k]!) : undefined);
    return {
      cls,
      executionsPerBatch: n,
      batches,
      cpuSeconds: ci("cpu")!,
      backendCpuSeconds: ci("backendCpu"),
      walBytes: ci("walBytes")!,
      statementWalBytes: ci("stmtWal")!,
      walRecords: ci("walRecords"),
      walFpi: ci("fpi")!,
      walWrites: ci("walWrites"),
      walSyncs: ci("walSyncs"),
      wallSeconds: ci("wall")!,
      rows,
    };
  }

  /**
   * Touches the rows the batches will touch, so the batches see a warm cache and no first-touch
   * full-page images; writes run in one transaction so the warm-up costs one WAL flush, not one per row.
   */
  private async warmUp(cls: StatementClass, seconds: number): Promise<void> {
    await cls.beforeBatch?.(this.control);
    const transaction = cls.kind !== "read";
    if (transaction) await this.worker.query("BEGIN");
    const t0 = process.hrtime.bigint();
    for (
      let count = 0;
      count < Math.min(WARM_UP_EXECUTIONS, cls.maxExecutions ?? WARM_UP_EXECUTIONS);
      count++
    ) {
      await this.execute(cls);
      if (Number(process.hrtime.bigint() - t0) / 1e9 > seconds) break;
    }
    if (transaction) await this.worker.query("COMMIT");
  }

  /** Seconds per autocommit execution, from a few timed ones (at least one). */
  private async pilot(cls: StatementClass, seconds: number): Promise<number> {
    // A class that consumes rows gets fresh ones, and never more executions than they allow.
    if (cls.maxExecutions !== undefined) await cls.beforeBatch?.(this.control);
    const most = Math.min(200, cls.maxExecutions ?? 200);
    const t0 = process.hrtime.bigint();
    let count = 0;
    let elapsed = 0;
    while (count < 1 || (elapsed < seconds && count < most)) {
      await this.execute(cls);
      count++;
      elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    }
    return elapsed / count;
  }

  private async execute(cls: StatementClass): Promise<void> {
    const { text, values } = statementText(cls, cls.params(this.counter++));
    await this.worker.query({ text, values });
  }

  /**
   * Backends report their counters to shared statistics when idle, at most once a second unless forced:
   * flush both connections so the batch's deltas hold the worker's statements and nothing earlier.
   */
  private async flushStats(): Promise<void> {
    if (this.server.versionNum < 150000) return;
    for (const c of [this.control, this.worker]) await c.query("SELECT pg_stat_force_next_flush()");
  }

  private async resetStatements(): Promise<void> {
    await this.control.query(
      "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    );
  }

  private async counters(): Promise<Counters> {
    const lsn = parseLsn(
      (await this.control.query<{ l: string }>("SELECT pg_current_wal_lsn()::text AS l")).rows[0]!.l,
    );
    const out: Counters = {
      lsn,
      // The backend's own CPU plus that of the parallel workers it started (reaped by the postmaster).
      cpuSeconds: this.opts.procStat
        ? processCpuSeconds(this.backendPid) + reapedChildrenSeconds(this.postmasterPid)
        : undefined,
    };
    const v = this.server.versionNum;
    if (v < 150000) return out;
    const w = (await this.control.query("SELECT wal_records, wal_fpi FROM pg_stat_wal")).rows[0] as Record<
      string,
      string
    >;
    out.wal = { records: Number(w.wal_records), fpi: Number(w.wal_fpi) };
    if (v >= 180000) {
      const io = (
        await this.control.query(
          "SELECT coalesce(sum(writes), 0) AS writes, coalesce(sum(fsyncs), 0) AS syncs FROM pg_stat_io WHERE object = 'wal'",
        )
      ).rows[0] as Record<string, string>;
      out.wal.writes = Number(io.writes);
      out.wal.syncs = Number(io.syncs);
    } else {
      const io = (await this.control.query("SELECT wal_write, wal_sync FROM pg_stat_wal")).rows[0] as Record<
        string,
        string
      >;
      out.wal.writes = Number(io.wal_write);
      out.wal.syncs = Number(io.wal_sync);
    }
    return out;
  }

  /** Sums of the worker's statements since the reset (the measuring queries themselves are left out). */
  private async statementTotals() {
    const plan = this.server.trackPlanning ? "sum(total_plan_time)" : "0";
    const r = await this.control.query(
      `SELECT coalesce(sum(calls), 0) AS calls, coalesce(${plan}, 0) AS plan, coalesce(sum(total_exec_time), 0) AS exec,
              coalesce(sum(rows), 0) AS rows, coalesce(sum(wal_bytes), 0) AS wal_bytes, coalesce(sum(wal_fpi), 0) AS wal_fpi
       FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT ILIKE ALL (ARRAY['%pg_stat%', '%pg_current_wal_lsn%', '%pg_backend_pid%'])`,
    );
    const row = r.rows[0] as Record<string, string>;
    return {
      calls: Number(row.calls),
      planMs: Number(row.plan),
      execMs: Number(row.exec),
      rows: Number(row.rows),
      walBytes: Number(row.wal_bytes),
      walFpi: Number(row.wal_fpi),
    };
  }
}

/** "16/B374D848" → byte position. */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split("/");
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * CPU time a process has used, seconds: /proc/<pid>/schedstat's run time in nanoseconds where the
 * kernel has it, else utime + stime of /proc/<pid>/stat (clock ticks, usually 10 ms).
 */
export function processCpuSeconds(pid: number): number {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e9;
  } catch {
    // fall back to /proc/<pid>/stat
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const CLOCK_TICKS = clockTicks();

function clockTicks(): number {
  try {
    const v = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
}
