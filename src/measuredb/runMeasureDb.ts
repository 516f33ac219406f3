import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import pg from "pg";
import { buildCatalog, type StatementClass } from "./catalog.js";
import { type FsyncProbe, probeFsync } from "./fsyncProbe.js";
import { type ClassResult, Measurer, processCpuSeconds, type ServerFacts } from "./measure.js";
import {
  DEFAULT_CONCURRENCY,
  HOLD_SHAPES,
  type HoldShape,
  measureNotifyHold,
  NOTIFY_HOLD_ID,
  type NotifyHoldResult,
} from "./notifyHold.js";
import { buildsPerWorkspace, createAndPopulate, type DataVolume, loadIds, tableRows } from "./schema.js";
import { type LocalServer, startLocalServer } from "./server.js";

export interface MeasureDbOptions {
  /** An existing server; absent = start a throw-away one here. */
  databaseUrl?: string;
  /** initdb and postgres of the throw-away server (another version's); absent = the first found. */
  pgBin?: string;
  volume: DataVolume;
  /** Seconds of measurement over all statement classes (set-up not included). */
  durationSeconds: number;
  batches: number;
  /** Only these statement classes (ids); all when absent. */
  only?: readonly string[];
  log: (line: string) => void;
  signal?: AbortSignal;
  /** The notify-lock experiment's points (when `only` names it): default DEFAULT_CONCURRENCY x HOLD_SHAPES. */
  notifyHold?: { concurrency?: readonly number[]; shapes?: readonly HoldShape[] };
}

/** The notify-lock experiment's result with the machine's state around it. */
export interface NotifyHoldReport extends NotifyHoldResult {
  /** fdatasync of an 8 kB block where the local server keeps its data; absent for a server given by URL. */
  fsync?: FsyncProbe;
  /** 1-min load average before the experiment (each point has its own). */
  loadAverage1mBefore: number;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
}

export interface MeasureDbResult {
  date: string;
  machine: Machine;
  server: ServerFacts & { origin: string; local: boolean; settings: Record<string, string> };
  volume: DataVolume;
  rows: Record<string, number>;
  results: ClassResult[];
  secondsPerClass: number;
  notifyHold?: NotifyHoldReport;
}

/** Settings that decide what a commit costs, reported with the results. */
const REPORTED_SETTINGS = [
  "synchronous_commit",
  "fsync",
  "wal_sync_method",
  "full_page_writes",
  "wal_level",
  "shared_buffers",
  "checkpoint_timeout",
  "autovacuum",
  "pg_stat_statements.track_planning",
];

export function machineFacts(): Machine {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  if (existsSync("/proc/cpuinfo")) {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpuModel = m[1]!.trim();
  }
  return { cpuModel, cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), kernel: release() };
}

export async function runMeasureDb(opts: MeasureDbOptions): Promise<MeasureDbResult> {
  const { log } = opts;
  let local: LocalServer | undefined;
  const onAbort = () => void local?.stop();
  opts.signal?.addEventListener("abort", onAbort);
  const clients: pg.Client[] = [];
  let schema: string | undefined;
  try {
    if (!opts.databaseUrl) local = await startLocalServer(log, [], opts.pgBin);
    const url = opts.databaseUrl ?? local!.url;
    const connect = async () => {
      const c = new pg.Client({ connectionString: url, application_name: "capsim measure-db" });
      c.on("error", () => {}); // a dropped connection fails the pending query; that error is the one reported
      await c.connect();
      clients.push(c);
      return c;
    };
    const control = await connect();
    const worker = await connect();
    const server = await serverFacts(control);
    schema = `capsim_measure_${randomBytes(4).toString("hex")}`;
    await control.query(`CREATE SCHEMA ${schema}`);
    for (const c of [control, worker]) await c.query(`SET search_path TO ${schema}, public`);
    // coderd's pubsub keeps a LISTEN connection open: notifications go through a queue someone reads.
    await control.query("LISTEN workspace_agent_metadata_batch");
    log(
      `loading data: ${opts.volume.workspaces} workspaces, ${buildsPerWorkspace(opts.volume)} builds each, ${opts.volume.statsHistoryMinutes} min of agent stats`,
    );
    const t0 = Date.now();
    await createAndPopulate(control, opts.volume, log);
    const rows = await tableRows(control);
    log(
      `loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${Object.entries(rows)
        .map(([t, n]) => `${t} ${n}`)
        .join(", ")}`,
    );
    const fullCatalog = buildCatalog(await loadIds(control));
    const holdSelected = opts.only?.includes(NOTIFY_HOLD_ID) === true;
    const catalog = selectClasses(
      fullCatalog,
      opts.only?.filter((id) => id !== NOTIFY_HOLD_ID),
      holdSelected,
    );
    const procStat = local !== undefined || (await isLocalBackend(worker, url));
    const secondsPerClass = opts.durationSeconds / (catalog.length + (holdSelected ? 1 : 0));
    const measurer = new Measurer(control, worker, server, {
      batches: opts.batches,
      secondsPerClass,
      procStat,
      log,
      interrupted: () => opts.signal?.aborted === true,
    });
    await measurer.init();
    const results: ClassResult[] = [];
    for (const [k, cls] of catalog.entries()) {
      log(`[${k + 1}/${catalog.length}] ${cls.id}`);
      results.push(await measurer.measure(cls));
    }
    const notifyHold = holdSelected
      ? await runNotifyHold(opts, url, schema, fullCatalog, server.versionNum, procStat, secondsPerClass)
      : undefined;
    if (!local) await control.query(`DROP SCHEMA ${schema} CASCADE`);
    return {
      date: new Date().toISOString(),
      machine: machineFacts(),
      server: {
        ...server,
        origin: local?.origin ?? "given by --database-url",
        local: procStat,
        settings: await settings(control),
      },
      volume: opts.volume,
      rows,
      results,
      secondsPerClass,
      ...(notifyHold && { notifyHold }),
    };
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    for (const c of clients) await c.end().catch(() => {});
    await local?.stop();
  }
}

async function runNotifyHold(
  opts: MeasureDbOptions,
  url: string,
  schema: string,
  catalog: StatementClass[],
  versionNum: number,
  local: boolean,
  seconds: number,
): Promise<NotifyHoldReport> {
  const byId = (id: string) => catalog.find((c) => c.id === id)!;
  const concurrency = opts.notifyHold?.concurrency ?? DEFAULT_CONCURRENCY;
  const shapes = opts.notifyHold?.shapes ?? HOLD_SHAPES;
  const loadAverage1mBefore = loadavg()[0]!;
  // The disk flush latency is a property of the machine: measured only where the server's data is.
  const fsync = local ? probeFsync(Math.min(3, Math.max(1, seconds * 0.05))) : undefined;
  if (fsync) opts.log(`fdatasync of 8 kB: median ${(fsync.p50S * 1e3).toFixed(2)} ms (${fsync.filesystem})`);
  const result = await measureNotifyHold({
    url,
    schema,
    heartbeat: byId("heartbeat_update"),
    notify: byId("metadata_notify_per_agent"),
    concurrency,
    shapes,
    secondsPerPoint: Math.max(0.5, (seconds * 0.95) / (concurrency.length * shapes.length)),
    versionNum,
    log: opts.log,
    interrupted: () => opts.signal?.aborted === true,
  });
  return { ...result, ...(fsync && { fsync }), loadAverage1mBefore };
}

/** The selected statement classes: all when no `only`, none when `only` named just the notify-lock experiment. */
function selectClasses(
  all: StatementClass[],
  only?: readonly string[],
  experiment = false,
): StatementClass[] {
  if (!only || only.length === 0) return experiment ? [] : all;
  const unknown = only.filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown statement class ${unknown.join(", ")}`);
  return all.filter((c) => only.includes(c.id));
}

async function serverFacts(client: pg.Client): Promise<ServerFacts> {
  const r = await client.query<{ v: string; n: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
  );
  const versionNum = Number(r.rows[0]!.n);
  if (versionNum < 130000) {
    throw new Error(
      `PostgreSQL ${r.rows[0]!.v} is too old: measure-db needs 13 or newer (WAL counters in pg_stat_statements)`,
    );
  }
  await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  try {
    await client.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
  } catch (err) {
    throw new Error(
      `pg_stat_statements is not loaded (add it to shared_preload_libraries and restart): ${(err as Error).message}`,
    );
  }
  const tp = await client.query<{ s: string | null }>(
    "SELECT current_setting('pg_stat_statements.track_planning', true) AS s",
  );
  return { versionNum, version: r.rows[0]!.v, trackPlanning: tp.rows[0]!.s === "on" };
}

async function settings(client: pg.Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of REPORTED_SETTINGS) {
    const r = await client.query<{ s: string | null }>("SELECT current_setting($1, true) AS s", [name]);
    if (r.rows[0]!.s !== null) out[name] = r.rows[0]!.s;
  }
  return out;
}

/** A server given by URL is "local" when it listens on loopback and its backend is a process we can read. */
async function isLocalBackend(worker: pg.Client, url: string): Promise<boolean> {
  const host = new URL(url).hostname;
  if (!["localhost", "127.0.0.1", "[::1]", "::1", ""].includes(host)) return false;
  const pid = (await worker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
  try {
    processCpuSeconds(pid);
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim().startsWith("postgres");
  } catch {
    return false;
  }
}
