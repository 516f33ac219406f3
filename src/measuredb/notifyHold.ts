import { loadavg } from "node:os";
import pg from "pg";
import { type StatementClass, statementText } from "./catalog.js";

/**
 * The notify-queue lock, measured (docs/model.md, "The notify-queue lock, measured"). PostgreSQL's
 * PreCommit_Notify takes one cluster-wide lock (LockSharedObject(DatabaseRelationId, InvalidOid, 0,
 * AccessExclusiveLock), src/backend/commands/async.c) and holds it to the end of the transaction, so
 * across the commit record's WAL flush when the commit flushes. C clients loop over one transaction shape
 * while a LISTEN connection consumes (as a coderd replica's pubsub does); per point: throughput, the
 * lock's busy fraction from sampling pg_locks (its mean hold = busy / commits per second, Little's law),
 * the commit latency, and the WAL fsyncs per commit with their time.
 */

export const NOTIFY_HOLD_ID = "notify_commit_hold";

/** What one transaction does; `notify` says whether it passes the lock. */
export interface HoldShape {
  id: string;
  notify: boolean;
  synchronousCommit: "on" | "off";
  what: string;
}

/** Every shape at synchronous_commit on; the two with a logged write also off (the flush's share). */
export const HOLD_SHAPES: readonly HoldShape[] = [
  {
    id: "publish",
    notify: true,
    synchronousCommit: "on",
    what: "pg_notify alone (coderd's pubsub.Publish: its own autocommit statement)",
  },
  {
    id: "empty",
    notify: false,
    synchronousCommit: "on",
    what: "SELECT 1 alone (publish without the NOTIFY)",
  },
  {
    id: "update_notify",
    notify: true,
    synchronousCommit: "on",
    what: "a logged single-row UPDATE and a pg_notify in one transaction (a NOTIFY trigger's commit)",
  },
  { id: "update", notify: false, synchronousCommit: "on", what: "the UPDATE alone (group commit possible)" },
  {
    id: "update_notify",
    notify: true,
    synchronousCommit: "off",
    what: "as update_notify, no WAL flush wait",
  },
  { id: "update", notify: false, synchronousCommit: "off", what: "as update, no WAL flush wait" },
];

export const DEFAULT_CONCURRENCY: readonly number[] = [1, 2, 4, 8, 16, 32];

export interface HoldPoint {
  shape: string;
  notify: boolean;
  synchronousCommit: string;
  clients: number;
  seconds: number;
  commits: number;
  /** Commits per second. */
  throughput: number;
  /** Client round trip of one transaction (one simple-protocol message), seconds. */
  latencyP50: number;
  latencyP95: number;
  /** Fraction of pg_locks samples with the notify lock granted to someone, and how many samples. */
  lockBusy: number;
  lockSamples: number;
  /** 95 % Wilson interval of the mean hold from the binomial count of busy samples, seconds. */
  holdCi95?: [number, number];
  /** Mean number of backends waiting for the notify lock. */
  lockWaiters: number;
  /** Mean hold per NOTIFYing commit, lockBusy / throughput (Little's law on the lock), seconds. */
  holdMeanS?: number;
  /** Gaps between consecutive commit completions seen by the client, seconds. */
  gapP50: number;
  gapP95: number;
  /** Client backends' WAL fsyncs per commit (pg_stat_io), and their mean time where timed. */
  fsyncsPerCommit?: number;
  fsyncMeanS?: number;
  notificationsReceived: number;
  loadAverage1m: number;
}

export interface NotifyHoldOptions {
  url: string;
  /** The measuring schema, where the catalog's tables are. */
  schema: string;
  heartbeat: StatementClass;
  notify: StatementClass;
  concurrency: readonly number[];
  shapes: readonly HoldShape[];
  secondsPerPoint: number;
  versionNum: number;
  log: (line: string) => void;
  interrupted: () => boolean;
}

export interface NotifyHoldResult {
  points: HoldPoint[];
  channel: string;
  secondsPerPoint: number;
  /** Whether pg_stat_io's WAL fsync time was timed (track_wal_io_timing could be set). */
  fsyncTimed: boolean;
}

const CHANNEL = "capsim_notify_hold";
/**
 * Samples pg_locks for the notify lock's tag (an object lock on pg_database, 1262, object 0, in no
 * database) on the server, at random intervals of 1-2 ms for `seconds`: sampling from the client's event
 * loop would fall in step with the workers' round trips and miss the commit at the end of each.
 */
const SAMPLER_SQL = (schema: string) => `CREATE FUNCTION ${schema}.capsim_sample_notify_lock(
    seconds float8, OUT samples int, OUT held int, OUT waiting bigint) LANGUAGE plpgsql AS $$
DECLARE
  stop timestamptz := clock_timestamp() + seconds * interval '1 second';
  h int;
  w int;
BEGIN
  samples := 0; held := 0; waiting := 0;
  WHILE clock_timestamp() < stop LOOP
    SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted) INTO h, w
      FROM pg_locks WHERE locktype = 'object' AND classid = 1262 AND objid = 0 AND objsubid = 0;
    samples := samples + 1;
    IF h > 0 THEN held := held + 1; END IF;
    waiting := waiting + w;
    PERFORM pg_sleep(0.001 * random());
  END LOOP;
END $$`;

/** A SQL literal for the parameter values the catalog's statements take. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v);
  const text = v instanceof Date ? v.toISOString() : String(v);
  return `'${text.replace(/'/g, "''")}'`;
}

/** The statement with its $n parameters written in as literals (one simple-protocol message per transaction). */
function inline(text: string, values: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, k: string) => literal(values[Number(k) - 1]));
}

export function transactionText(shape: HoldShape, opts: NotifyHoldOptions, i: number): string {
  const parts: string[] = [];
  if (shape.id.startsWith("update")) parts.push(inline(opts.heartbeat.sql, opts.heartbeat.params(i)));
  if (shape.notify) {
    const [message] = opts.notify.params(i) as [string];
    const { text, values } = statementText(opts.notify, [message, CHANNEL]);
    parts.push(inline(text, values));
  }
  if (parts.length === 0) parts.push("SELECT 1");
  return `BEGIN;\n${parts.join(";\n")};\nCOMMIT`;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowS = () => Number(process.hrtime.bigint()) / 1e9;

interface WalIo {
  fsyncs: number;
  fsyncMs: number;
}

export async function measureNotifyHold(opts: NotifyHoldOptions): Promise<NotifyHoldResult> {
  const clients: pg.Client[] = [];
  const connect = async () => {
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: "capsim measure-db notify hold",
    });
    c.on("error", () => {}); // a dropped connection fails the pending query; that error is the one reported
    await c.connect();
    clients.push(c);
    return c;
  };
  try {
    const control = await connect();
    const sampler = await connect();
    await sampler.query(SAMPLER_SQL(opts.schema));
    // The data load's WAL would be checkpointed during the first points otherwise.
    await control.query("CHECKPOINT").catch(() => opts.log("CHECKPOINT refused (not a superuser): not run"));
    const listener = await connect();
    let received = 0;
    listener.on("notification", () => {
      received++;
    });
    await listener.query(`LISTEN ${CHANNEL}`);
    const workers: pg.Client[] = [];
    const most = Math.max(...opts.concurrency);
    let fsyncTimed = true;
    for (let k = 0; k < most; k++) {
      const w = await connect();
      await w.query(`SET search_path TO ${opts.schema}, public`);
      try {
        await w.query("SET track_wal_io_timing = on");
      } catch {
        fsyncTimed = false; // not a superuser: fsyncs are counted, not timed
      }
      workers.push(w);
    }
    const points: HoldPoint[] = [];
    let counter = 0;
    /** NOTIFYing transactions committed so far; the listener has caught up when it received as many. */
    let notified = 0;
    // Delivery is asynchronous: wait (at most a second) for the notifications of every commit so far.
    const listenerCaughtUp = async () => {
      for (let k = 0; k < 100 && received < notified; k++) await sleep(10);
    };
    for (const shape of opts.shapes) {
      for (const c of opts.concurrency) {
        if (opts.interrupted()) throw new Error("interrupted");
        const active = workers.slice(0, c);
        for (const w of active) await w.query(`SET synchronous_commit = ${shape.synchronousCommit}`);
        const run = async (seconds: number, record: boolean) => {
          const latencies: number[] = [];
          const done: number[] = [];
          const end = nowS() + seconds;
          const sampling = record
            ? sampler.query<{ samples: number; held: number; waiting: string }>(
                `SELECT * FROM ${opts.schema}.capsim_sample_notify_lock($1)`,
                [seconds],
              )
            : undefined;
          const t0 = nowS();
          await Promise.all(
            active.map(async (w) => {
              while (nowS() < end) {
                const text = transactionText(shape, opts, counter++);
                const s = nowS();
                await w.query(text);
                const e = nowS();
                if (shape.notify) notified++;
                if (record) {
                  latencies.push(e - s);
                  done.push(e);
                }
              }
            }),
          );
          const elapsed = nowS() - t0;
          const row = (await sampling)?.rows[0];
          const sampled = { n: row?.samples ?? 0, held: row?.held ?? 0, waiting: Number(row?.waiting ?? 0) };
          return { latencies, done, elapsed, sampled };
        };
        await run(opts.secondsPerPoint * 0.2, false);
        // The warm-up's last notifications must not land in the measured window.
        await listenerCaughtUp();
        const io0 = await walIo(control, active, opts.versionNum);
        const before = received;
        const { latencies, done, elapsed, sampled } = await run(opts.secondsPerPoint, true);
        const io1 = await walIo(control, active, opts.versionNum);
        await listenerCaughtUp();
        points.push(point(shape, c, { latencies, done, elapsed, sampled }, io0, io1, received - before));
        const p = points.at(-1)!;
        opts.log(
          `${shape.id} (synchronous_commit ${shape.synchronousCommit}) C=${c}: ${p.throughput.toFixed(0)} commits/s, lock busy ${(p.lockBusy * 100).toFixed(0)} %` +
            (p.holdMeanS !== undefined ? `, hold ${(p.holdMeanS * 1e3).toFixed(3)} ms` : "") +
            (p.fsyncsPerCommit !== undefined ? `, ${p.fsyncsPerCommit.toFixed(2)} fsync/commit` : ""),
        );
      }
    }
    return { points, channel: CHANNEL, secondsPerPoint: opts.secondsPerPoint, fsyncTimed };
  } finally {
    for (const c of clients) await c.end().catch(() => {});
  }
}

function point(
  shape: HoldShape,
  clients: number,
  r: {
    latencies: number[];
    done: number[];
    elapsed: number;
    sampled: { n: number; held: number; waiting: number };
  },
  io0: WalIo | undefined,
  io1: WalIo | undefined,
  notifications: number,
): HoldPoint {
  const commits = r.latencies.length;
  const throughput = commits / r.elapsed;
  const lat = [...r.latencies].sort((a, b) => a - b);
  const done = [...r.done].sort((a, b) => a - b);
  const gaps = done
    .slice(1)
    .map((t, k) => t - done[k]!)
    .sort((a, b) => a - b);
  const lockBusy = r.sampled.n > 0 ? r.sampled.held / r.sampled.n : Number.NaN;
  const fsyncs = io0 && io1 ? io1.fsyncs - io0.fsyncs : undefined;
  return {
    shape: shape.id,
    notify: shape.notify,
    synchronousCommit: shape.synchronousCommit,
    clients,
    seconds: r.elapsed,
    commits,
    throughput,
    latencyP50: quantile(lat, 0.5),
    latencyP95: quantile(lat, 0.95),
    lockBusy,
    lockSamples: r.sampled.n,
    lockWaiters: r.sampled.n > 0 ? r.sampled.waiting / r.sampled.n : Number.NaN,
    holdMeanS: shape.notify && commits > 0 ? lockBusy / throughput : undefined,
    ...(shape.notify &&
      commits > 0 &&
      r.sampled.n > 0 && {
        holdCi95: wilson(r.sampled.held, r.sampled.n).map((u) => u / throughput) as [number, number],
      }),
    gapP50: quantile(gaps, 0.5),
    gapP95: quantile(gaps, 0.95),
    fsyncsPerCommit: fsyncs !== undefined && commits > 0 ? fsyncs / commits : undefined,
    fsyncMeanS:
      fsyncs !== undefined && fsyncs > 0 && io1!.fsyncMs > 0
        ? (io1!.fsyncMs - io0!.fsyncMs) / 1000 / fsyncs
        : undefined,
    notificationsReceived: notifications,
    loadAverage1m: loadavg()[0]!,
  };
}

/** 95 % Wilson score interval of a binomial proportion (k of n). */
export function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * WAL fsyncs and their time so far, each worker's statistics flushed first: client backends' from
 * pg_stat_io on PostgreSQL 18, the server's (walwriter included) from pg_stat_wal on 15-17; none before.
 */
async function walIo(
  control: pg.Client,
  workers: pg.Client[],
  versionNum: number,
): Promise<WalIo | undefined> {
  if (versionNum < 150000) return undefined;
  for (const w of workers) await w.query("SELECT pg_stat_force_next_flush()");
  const sql =
    versionNum >= 180000
      ? `SELECT coalesce(sum(fsyncs), 0) AS f, coalesce(sum(fsync_time), 0) AS t FROM pg_stat_io
         WHERE object = 'wal' AND backend_type = 'client backend'`
      : "SELECT wal_sync AS f, wal_sync_time AS t FROM pg_stat_wal";
  const r = (await control.query<{ f: string; t: string }>(sql)).rows[0]!;
  return { fsyncs: Number(r.f), fsyncMs: Number(r.t) };
}

/** What the points say about the lock, pooled over points (busy time per commit, Little's law). */
export interface HoldSummary {
  /** Mean hold of coderd's Publish commit (shape publish) at one client: the lock's own hold, seconds. */
  publishHoldS?: number;
  /** The same pooled over 2+ clients: waiters to wake, and on a small machine CPU contention, inflate it. */
  publishHoldContendedS?: number;
  /** Mean hold of a NOTIFYing commit with a logged write, synchronous_commit on and off, seconds. */
  flushedHoldS?: number;
  unflushedHoldS?: number;
  /** WAL fsyncs per commit of the publish shape: 0 when a NOTIFY-only commit does not wait for the disk. */
  publishFsyncsPerCommit?: number;
  /** Throughput at the most clients over throughput at one, with and without the NOTIFY (synchronous_commit on). */
  notifyScaling?: number;
  plainScaling?: number;
  maxClients: number;
}

function pooledHold(points: readonly HoldPoint[]): number | undefined {
  const busy = points.reduce((s, p) => s + p.lockBusy * p.seconds, 0);
  const commits = points.reduce((s, p) => s + p.commits, 0);
  return points.length > 0 && commits > 0 ? busy / commits : undefined;
}

export function summarizeHold(points: readonly HoldPoint[]): HoldSummary {
  const of = (shape: string, sc: string) =>
    points.filter((p) => p.shape === shape && p.synchronousCommit === sc);
  const publish = of("publish", "on");
  const maxClients = Math.max(...points.map((p) => p.clients));
  const scaling = (ps: HoldPoint[]) => {
    const one = ps.find((p) => p.clients === 1);
    const most = ps.find((p) => p.clients === maxClients);
    return one && most && maxClients > 1 ? most.throughput / one.throughput : undefined;
  };
  const fsyncs = publish.filter((p) => p.fsyncsPerCommit !== undefined);
  return {
    publishHoldS: pooledHold(publish.filter((p) => p.clients === 1)),
    publishHoldContendedS: pooledHold(publish.filter((p) => p.clients > 1)),
    flushedHoldS: pooledHold(of("update_notify", "on")),
    unflushedHoldS: pooledHold(of("update_notify", "off")),
    publishFsyncsPerCommit:
      fsyncs.length > 0
        ? fsyncs.reduce((s, p) => s + p.fsyncsPerCommit! * p.commits, 0) /
          fsyncs.reduce((s, p) => s + p.commits, 0)
        : undefined,
    notifyScaling: scaling(of("update_notify", "on")),
    plainScaling: scaling(of("update", "on")),
    maxClients,
  };
}
