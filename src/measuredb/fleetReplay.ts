import { loadavg } from "node:os";
import pg from "pg";
import { RandomStreams } from "../engine/random/index.js";
import { agentStatsRows, buildCatalog, type StatementClass, statementText } from "./catalog.js";
import { AUTH_READS, FLEET_STATEMENTS, type FleetPlan, statementRates } from "./fleetPlan.js";
import { GoPool } from "./goPool.js";
import { Measurer, processCpuSeconds } from "./measure.js";
import { PeriodicStream } from "./periodic.js";
import { createAndPopulate, type DataIds, loadIds } from "./schema.js";
import { type CpuByRole, ServerCpuSampler } from "./serverCpu.js";
import { type SnapshotDelta, serverSnapshot, snapshotDelta } from "./serverSnapshot.js";

/**
 * The idle fleet's database work replayed open-loop at real time on a real PostgreSQL: per agent its
 * metadata call (authentication reads, the metadata UPDATE, its NOTIFY), stats call (authentication
 * reads; the row goes to its replica's batcher, flushed as one INSERT) and connection heartbeat; per
 * replica the Agents() collector and the deployment-stats refresh, each statement on the replica's
 * database/sql-like pool, and one LISTEN connection per replica. Statement texts and parameters are
 * measure-db's catalog; periods and counts the plan's (model and scenario).
 */
export interface ReplayOptions {
  /** A server's URL (any database: the replay creates and drops its own). */
  url: string;
  plan: FleetPlan;
  warmupS: number;
  windowS: number;
  seed: number;
  statsHistoryMinutes: number;
  /** A network round trip each statement holds its connection for (the model's db_rtt_s), seconds; 0: loopback only. */
  roundTripS?: number;
  /** Measure each issued statement alone first (measure-db's way), on the same data. */
  isolated?: { secondsPerClass: number; batches: number };
  log: (line: string) => void;
}

export interface ReplayResult {
  agents: number;
  windowS: number;
  /** The server's CPU over the window by role; `fleet` excludes the replay's own control connection. */
  cpu: CpuByRole & { fleetSeconds: number };
  /** pg_stat_statements over the window, by catalog id: calls and plan + execution milliseconds. */
  statements: Record<string, { calls: number; timeMs: number; rows: number }>;
  /** Executions the plan asks for in the window. */
  expected: Record<string, number>;
  /** Statements the replay completed (by id) and failed, within the window. */
  issued: Record<string, number>;
  failed: number;
  server: SnapshotDelta;
  /** pg_stat_activity samples (one a second) of the fleet's connections: active, and waiting by event. */
  waits: { samples: number; active: number; byEvent: Record<string, number> };
  pools: { opens: number; closes: number; waits: number }[];
  generator: { cpuSeconds: number; latenessP50S: number; latenessP99S: number; latenessMaxS: number };
  load: { start: number; end: number; mean: number };
  /** A CHECKPOINT right after the window (none falls inside it): the checkpointer's CPU and buffers written. */
  checkpoint: { cpuSeconds: number; buffersWritten: number };
  /** Backend CPU-seconds per execution of each statement run alone (Measurer), when asked. */
  isolatedCpuS?: Record<string, number>;
}

/** Channels each replica's pubsub LISTENs on in an idle v2.8 enterprise deployment (pgcoord's triggers). */
const LISTEN_CHANNELS = ["tailnet_coordinator_heartbeat", "tailnet_peer_update", "tailnet_tunnel_update"];

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function connect(url: string, name: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: name });
  c.on("error", () => {});
  await c.connect();
  return c;
}

const pidOf = (c: pg.Client) => (c as unknown as { processID: number }).processID;

export async function replayFleet(opts: ReplayOptions): Promise<ReplayResult> {
  const { plan, log } = opts;
  const dbName = `capsim_fleet_${plan.agents}_${process.pid}`;
  const admin = await connect(opts.url, "capsim fleet admin");
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = withDatabase(opts.url, dbName);
  const open: { end(): Promise<void> }[] = [];
  try {
    const control = await connect(url, "capsim fleet control");
    open.push(control);
    await control.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    log(
      `${plan.agents} agents: loading ${plan.agents} workspaces, ${opts.statsHistoryMinutes} min of agent stats`,
    );
    await createAndPopulate(
      control,
      { workspaces: plan.agents, statsHistoryMinutes: opts.statsHistoryMinutes, logLinesPerJob: 1 },
      log,
    );
    const ids = await loadIds(control);
    const catalog = new Map(buildCatalog(ids).map((c) => [c.id, c]));
    const isolatedCpuS = opts.isolated ? await measureAlone(url, control, catalog, opts) : undefined;
    const run = await runWindow(url, control, ids, catalog, opts, open);
    return { ...run, isolatedCpuS };
  } finally {
    for (const c of open.splice(0)) await c.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}

/** Every statement the replay issues, run alone on one connection as measure-db runs it. */
async function measureAlone(
  url: string,
  control: pg.Client,
  catalog: Map<string, StatementClass>,
  opts: ReplayOptions,
): Promise<Record<string, number>> {
  const worker = await connect(url, "capsim fleet isolated");
  try {
    const v = (
      await control.query<{ v: string; n: string }>(
        "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
      )
    ).rows[0]!;
    // measure-db keeps a LISTEN connection open too: a NOTIFY goes through a queue someone reads.
    await control.query(`LISTEN ${LISTEN_CHANNELS[0]}`);
    const measurer = new Measurer(
      control,
      worker,
      { version: v.v, versionNum: Number(v.n), trackPlanning: true },
      {
        batches: opts.isolated!.batches,
        secondsPerClass: opts.isolated!.secondsPerClass,
        procStat: true,
        log: opts.log,
        interrupted: () => false,
      },
    );
    await measurer.init();
    const out: Record<string, number> = {};
    for (const id of Object.keys(statementRates(opts.plan))) {
      const r = await measurer.measure(catalog.get(id)!);
      out[id] = r.backendCpuSeconds?.mean ?? r.cpuSeconds.mean;
      opts.log(`  alone: ${id} ${(out[id]! * 1e3).toFixed(3)} ms`);
    }
    await control.query("UNLISTEN *");
    return out;
  } finally {
    await worker.end().catch(() => {});
  }
}

/** The fleet's statement streams on the replicas' pools, and what they issued while `measuring`. */
class FleetDriver {
  measuring = false;
  readonly issued: Record<string, number> = {};
  failed = 0;
  readonly lateness: number[] = [];
  inFlight = 0;
  private readonly t0 = process.hrtime.bigint();
  private readonly statsBuffers: number[][];

  constructor(
    private readonly plan: FleetPlan,
    private readonly pools: GoPool[],
    private readonly catalog: Map<string, StatementClass>,
    private readonly ids: DataIds,
  ) {
    this.statsBuffers = pools.map(() => []);
  }

  elapsed(): number {
    return Number(process.hrtime.bigint() - this.t0) / 1e9;
  }

  /** One statement of the catalog on a replica's pool (the i-th entity's parameters). */
  private async run(replica: number, id: string, i: number, params?: unknown[]): Promise<void> {
    const cls = this.catalog.get(id)!;
    const { text, values } = params ? { text: cls.sql, values: params } : statementText(cls, cls.params(i));
    await this.pools[replica]!.query(text, values);
    if (this.measuring) this.issued[id] = (this.issued[id] ?? 0) + 1;
  }

  /** Starts a call at its scheduled time, whatever the calls before it are doing (open loop). */
  private call(scheduledS: number, body: () => Promise<void>): void {
    if (this.measuring) this.lateness.push(this.elapsed() - scheduledS);
    this.inFlight++;
    body()
      .catch(() => {
        if (this.measuring) this.failed++;
      })
      .finally(() => this.inFlight--);
  }

  private replicaOf(agent: number): number {
    return agent % this.plan.replicas;
  }

  private async auth(agent: number): Promise<void> {
    for (let k = 0; k < this.plan.authReadsPerCall; k++)
      await this.run(this.replicaOf(agent), AUTH_READS[Math.min(k, AUTH_READS.length - 1)]!, agent);
  }

  private async metadataCall(a: number): Promise<void> {
    await this.auth(a);
    for (const id of FLEET_STATEMENTS.metadata) await this.run(this.replicaOf(a), id, a);
  }

  /** The stats call authenticates; its row waits in the replica's batcher for the next flush. */
  private async statsCall(a: number): Promise<void> {
    await this.auth(a);
    const buf = this.statsBuffers[this.replicaOf(a)]!;
    if (buf.length < this.plan.statsFlushRows) buf.push(a);
  }

  private statsFlush(r: number, at: number): void {
    const rows = this.statsBuffers[r]!.splice(0);
    const id = FLEET_STATEMENTS.statsInsert[0];
    if (rows.length > 0) this.call(at, () => this.run(r, id, 0, agentStatsRows(this.ids, rows)));
  }

  /** coderd v2.8's Agents(): the workspaces, then per workspace its owner and agents, per agent its apps. */
  private async collector(r: number): Promise<void> {
    const [workspaces, user, agents, apps] = FLEET_STATEMENTS.collector;
    await this.run(r, workspaces, 0);
    for (let w = 0; w < this.plan.agents; w++) {
      await this.run(r, user, w);
      await this.run(r, agents, w);
      await this.run(r, apps, w);
    }
  }

  private async deploymentStats(r: number): Promise<void> {
    for (const id of FLEET_STATEMENTS.deploymentStats) await this.run(r, id, 0);
  }

  streams(seed: number): PeriodicStream[] {
    const p = this.plan;
    const rng = new RandomStreams(seed);
    const every = (count: number, periodS: number, name: string, f: (m: number, at: number) => void) =>
      new PeriodicStream(count, periodS, rng.stream(name), f);
    return [
      every(p.agents, p.metadataPeriodS, "metadata", (a, at) => this.call(at, () => this.metadataCall(a))),
      every(p.agents, p.statsPeriodS, "stats", (a, at) => this.call(at, () => this.statsCall(a))),
      every(p.agents, p.heartbeatPeriodS, "heartbeat", (a, at) =>
        this.call(at, () => this.run(this.replicaOf(a), FLEET_STATEMENTS.heartbeat[0], a)),
      ),
      every(p.replicas, p.statsFlushS, "stats-flush", (r, at) => this.statsFlush(r, at)),
      every(p.replicas, p.collectorPeriodS, "collector", (r, at) => this.call(at, () => this.collector(r))),
      every(p.replicas, p.deploymentStatsPeriodS, "deployment-stats", (r, at) =>
        this.call(at, () => this.deploymentStats(r)),
      ),
    ];
  }

  generator(cpuSeconds: number): ReplayResult["generator"] {
    const l = [...this.lateness].sort((a, b) => a - b);
    const q = (f: number) => l[Math.min(l.length - 1, Math.floor(f * l.length))] ?? 0;
    return { cpuSeconds, latenessP50S: q(0.5), latenessP99S: q(0.99), latenessMaxS: l.at(-1) ?? 0 };
  }
}

/** Each replica's pool and LISTEN connections, and the role of every backend pid they hold. */
async function openFleet(url: string, plan: FleetPlan, control: pg.Client, roundTripS: number) {
  const pools = Array.from(
    { length: plan.replicas },
    (_, r) => new GoPool(url, plan.poolMaxOpen, plan.poolMaxIdle, `coderd-${r}`),
  );
  for (const p of pools) p.holdS = roundTripS;
  const listeners: pg.Client[] = [];
  for (let r = 0; r < plan.replicas * plan.listenersPerReplica; r++) {
    const l = await connect(url, `coderd-${r % plan.replicas} pubsub`);
    for (const ch of LISTEN_CHANNELS) await l.query(`LISTEN ${ch}`);
    listeners.push(l);
  }
  const listenerPids = new Set(listeners.map(pidOf));
  const controlPid = pidOf(control);
  const role = (pid: number) =>
    pid === controlPid
      ? "replay control"
      : listenerPids.has(pid)
        ? "LISTEN backends"
        : pools.some((p) => p.pids.has(pid))
          ? "pool backends"
          : undefined;
  return { pools, listeners, role };
}

async function runWindow(
  url: string,
  control: pg.Client,
  ids: DataIds,
  catalog: Map<string, StatementClass>,
  opts: ReplayOptions,
  open: { end(): Promise<void> }[],
): Promise<Omit<ReplayResult, "isolatedCpuS">> {
  const { plan, log } = opts;
  const { pools, listeners, role } = await openFleet(url, plan, control, opts.roundTripS ?? 0);
  open.push(...pools, ...listeners);
  const driver = new FleetDriver(plan, pools, catalog, ids);
  const streams = driver.streams(opts.seed);
  const timer = setInterval(() => {
    const t = driver.elapsed();
    for (const s of streams) s.due(t);
  }, 5);
  try {
    log(`${plan.agents} agents: warming up ${opts.warmupS} s`);
    await sleep(opts.warmupS * 1000);
    const sampler = new ServerCpuSampler(ServerCpuSampler.postmasterOf(pidOf(control)), role);
    await control.query(
      "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    );
    const before = await serverSnapshot(control);
    const cpu0 = process.cpuUsage();
    const loads: number[] = [loadavg()[0]!];
    const waits = { samples: 0, active: 0, byEvent: {} as Record<string, number> };
    sampler.start();
    driver.measuring = true;
    const windowStart = driver.elapsed();
    log(`${plan.agents} agents: measuring ${opts.windowS} s`);
    while (driver.elapsed() - windowStart < opts.windowS) {
      await sleep(Math.min(1000, (opts.windowS - (driver.elapsed() - windowStart)) * 1000));
      sampler.sample();
      loads.push(loadavg()[0]!);
      await sampleWaits(control, waits);
    }
    driver.measuring = false;
    const cpu = sampler.stop();
    const cpuUsed = process.cpuUsage(cpu0);
    const after = await serverSnapshot(control);
    const statements = await statementTotals(control, Object.keys(statementRates(plan)), (id) => {
      const cls = catalog.get(id)!;
      return statementText(cls, cls.params(0)).text;
    });
    clearInterval(timer);
    const windowS = driver.elapsed() - windowStart;
    const checkpoint = await measureCheckpoint(control);
    const deadline = Date.now() + 30_000;
    while (driver.inFlight > 0 && Date.now() < deadline) await sleep(50);
    return {
      agents: plan.agents,
      windowS,
      cpu: { ...cpu, fleetSeconds: cpu.total - (cpu.roles["replay control"] ?? 0) },
      statements,
      expected: Object.fromEntries(
        Object.entries(statementRates(plan)).map(([id, rate]) => [id, rate * opts.windowS]),
      ),
      issued: driver.issued,
      failed: driver.failed,
      server: snapshotDelta(before, after),
      waits,
      pools: pools.map((p) => ({ opens: p.opens, closes: p.closes, waits: p.waits })),
      generator: driver.generator((cpuUsed.user + cpuUsed.system) / 1e6),
      load: { start: loads[0]!, end: loads.at(-1)!, mean: loads.reduce((s, x) => s + x, 0) / loads.length },
      checkpoint,
    };
  } finally {
    clearInterval(timer);
  }
}

/** Every page the fleet dirtied since the data load's checkpoint, written by one CHECKPOINT. */
async function measureCheckpoint(control: pg.Client): Promise<ReplayResult["checkpoint"]> {
  const pid = (
    await control.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
    )
  ).rows[0]?.pid;
  if (pid === undefined) return { cpuSeconds: 0, buffersWritten: 0 };
  const written = async () => {
    const r = await control.query<{ b: string }>("SELECT buffers_written AS b FROM pg_stat_checkpointer");
    return Number(r.rows[0]?.b ?? 0);
  };
  const b0 = await written().catch(() => 0);
  const c0 = processCpuSeconds(pid);
  await control.query("CHECKPOINT");
  const cpuSeconds = processCpuSeconds(pid) - c0;
  await control.query("SELECT pg_stat_force_next_flush()");
  return { cpuSeconds, buffersWritten: (await written().catch(() => b0)) - b0 };
}

async function sampleWaits(
  control: pg.Client,
  waits: { samples: number; active: number; byEvent: Record<string, number> },
): Promise<void> {
  const r = await control.query<{ t: string | null; e: string | null; state: string | null }>(
    `SELECT wait_event_type AS t, wait_event AS e, state FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  waits.samples++;
  for (const row of r.rows) {
    if (row.state !== "active") continue;
    waits.active++;
    const key = row.t ? `${row.t}:${row.e}` : "on CPU";
    waits.byEvent[key] = (waits.byEvent[key] ?? 0) + 1;
  }
}

/**
 * pg_stat_statements' query id of a statement text (EXPLAIN's, PostgreSQL 16+: GENERIC_PLAN takes $n unbound);
 * before 16, the text with its constants and parameters blanked, matched against pg_stat_statements' query.
 */
async function queryId(control: pg.Client, text: string): Promise<string> {
  // As text: the identifier is a 64-bit integer, beyond a JavaScript number's precision.
  const n = await control.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
  if (Number(n.rows[0]!.n) < 160000) return shapeKey(text);
  const r = await control.query({
    text: `EXPLAIN (VERBOSE, GENERIC_PLAN, FORMAT JSON) ${text}`,
    types: { getTypeParser: () => (v: string) => v },
  } as pg.QueryConfig);
  const m = /"Query Identifier": (-?\d+)/.exec(String(Object.values(r.rows[0] as object)[0]));
  if (!m) throw new Error(`no query identifier for ${text.slice(0, 60)} (compute_query_id off?)`);
  return m[1]!;
}

/** A statement's shape: whitespace collapsed, $n parameters and literals as `?` (pg_stat_statements' normalisation). */
function shapeKey(text: string): string {
  const shape = text
    .replace(/'(?:[^']|'')*'/g, "?")
    .replace(/\$\d+/g, "?")
    .replace(/\b\d+(?:\.\d+)?\b/g, "?")
    .replace(/\s+/g, " ")
    .trim();
  return `shape:${shape}`;
}

/** pg_stat_statements of this database, by the id of the issued statement (matched by query id or shape). */
async function statementTotals(
  control: pg.Client,
  issuedIds: readonly string[],
  sample: (id: string) => string,
): Promise<Record<string, { calls: number; timeMs: number; rows: number }>> {
  const byQueryId = new Map<string, string>();
  for (const id of issuedIds) byQueryId.set(await queryId(control, sample(id)), id);
  const r = await control.query<{ queryid: string; query: string; calls: string; t: string; rows: string }>(
    `SELECT queryid::text, query, calls, total_plan_time + total_exec_time AS t, rows FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  const out: Record<string, { calls: number; timeMs: number; rows: number }> = {};
  for (const row of r.rows) {
    const id = byQueryId.get(row.queryid) ?? byQueryId.get(shapeKey(row.query));
    if (!id) continue;
    out[id] ??= { calls: 0, timeMs: 0, rows: 0 };
    const o = out[id]!;
    o.calls += Number(row.calls);
    o.timeMs += Number(row.t);
    o.rows += Number(row.rows);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
