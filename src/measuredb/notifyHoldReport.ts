import { type HoldPoint, summarizeHold } from "./notifyHold.js";
import type { NotifyHoldReport } from "./runMeasureDb.js";

/**
 * The notify-lock experiment in the overlay (its own section, and database.notify_commit_s) and as a
 * text table. Only present when `--only` named notify_commit_hold, so other runs' output is unchanged.
 */

const sig = (x: number | undefined) =>
  x !== undefined && Number.isFinite(x) ? Number(x.toPrecision(4)) : null;
const ms = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? (x * 1e3).toFixed(3) : "-");

/** Machine state beside the hold: load averages, the disk flush latency. */
function conditions(h: NotifyHoldReport): string {
  const loads = h.points.map((p) => p.loadAverage1m);
  const fsync = h.fsync
    ? `this machine's fdatasync of 8 kB median ${ms(h.fsync.p50S)} ms, p95 ${ms(h.fsync.p95S)} ms (${h.fsync.filesystem})`
    : "disk flush latency not measured (server not local)";
  return `1-min load average ${h.loadAverage1mBefore.toFixed(2)} before, ${Math.min(...loads).toFixed(2)}..${Math.max(...loads).toFixed(2)} during (2-core machine shared with other work); ${fsync}`;
}

/**
 * database.notify_commit_s: the mean hold of coderd's Publish commit by one client, when the sampler saw
 * the lock held at all (none seen is a bound, not a value).
 */
export function notifyCommitFigure(h: NotifyHoldReport, prov: string, command: string) {
  const s = summarizeHold(h.points);
  const one = h.points.find((p) => p.shape === "publish" && p.synchronousCommit === "on" && p.clients === 1);
  if (s.publishHoldS === undefined || !(s.publishHoldS > 0)) return undefined;
  return {
    value: sig(s.publishHoldS)!,
    unit: "s",
    ...(one?.holdCi95 && { ci95: [sig(one.holdCi95[0])!, sig(one.holdCi95[1])!] as [number, number] }),
    source:
      `${prov}; ${command}; experiment notify_commit_hold: mean time the notify-queue lock is held per coderd pubsub.Publish commit ` +
      `(pg_notify alone, autocommit) by one client, with one LISTEN connection consuming, from pg_locks sampled on the server ` +
      `(busy fraction / commits per second, Little's law); ${sig(s.publishHoldContendedS) ?? "?"} s pooled over 2..${s.maxClients} clients ` +
      `(waiters to wake and CPU contention included); ${sig(s.publishFsyncsPerCommit) ?? "?"} WAL fsyncs per such commit ` +
      `(a commit that wrote no WAL before its commit record does not wait for the disk); ${conditions(h)}`,
  };
}

export function holdSection(h: NotifyHoldReport) {
  const s = summarizeHold(h.points);
  return {
    method:
      "C clients (one connection each) loop over one transaction shape sent as one simple-protocol message " +
      "(BEGIN; ...; COMMIT); one more connection LISTENs on the channel and consumes every notification; a PL/pgSQL loop on the server " +
      `samples pg_locks every 1-2 ms for the notify-queue lock (locktype object, classid 1262, objid 0). Each point: ${sig(h.secondsPerPoint)} s ` +
      "after a warm-up of a fifth of that. Hold = busy fraction / commits per second (Little's law on the lock); " +
      "fsyncs per commit from pg_stat_io (client backends) on PostgreSQL 18, pg_stat_wal (server-wide) on 15-17.",
    conditions: conditions(h),
    ...(h.fsync && {
      fdatasync_8kb: {
        filesystem: h.fsync.filesystem,
        syncs: h.fsync.syncs,
        mean_s: sig(h.fsync.meanS),
        p50_s: sig(h.fsync.p50S),
        p95_s: sig(h.fsync.p95S),
      },
    }),
    summary: {
      publish_hold_one_client_s: sig(s.publishHoldS),
      publish_hold_2_or_more_clients_s: sig(s.publishHoldContendedS),
      publish_fsyncs_per_commit: sig(s.publishFsyncsPerCommit),
      update_notify_hold_s_synchronous_commit_on: sig(s.flushedHoldS),
      update_notify_hold_s_synchronous_commit_off: sig(s.unflushedHoldS),
      flush_part_of_hold_s:
        s.flushedHoldS !== undefined && s.unflushedHoldS !== undefined
          ? sig(s.flushedHoldS - s.unflushedHoldS)
          : null,
      throughput_ratio_most_over_one_client: {
        clients: s.maxClients,
        update_notify: sig(s.notifyScaling),
        update: sig(s.plainScaling),
      },
    },
    points: h.points.map(pointEntry),
  };
}

function pointEntry(p: HoldPoint) {
  return {
    shape: p.shape,
    synchronous_commit: p.synchronousCommit,
    clients: p.clients,
    commits: p.commits,
    commits_per_s: sig(p.throughput),
    lock_busy_fraction: sig(p.lockBusy),
    lock_samples: p.lockSamples,
    lock_waiters_mean: sig(p.lockWaiters),
    hold_mean_s: sig(p.holdMeanS),
    ...(p.holdCi95 && { hold_ci95_s: p.holdCi95.map((x) => sig(x)) }),
    latency_p50_s: sig(p.latencyP50),
    latency_p95_s: sig(p.latencyP95),
    completion_gap_p50_s: sig(p.gapP50),
    completion_gap_p95_s: sig(p.gapP95),
    wal_fsyncs_per_commit: sig(p.fsyncsPerCommit),
    wal_fsync_mean_s: sig(p.fsyncMeanS),
    notifications_received: p.notificationsReceived,
    load_average_1m: sig(p.loadAverage1m),
  };
}

export function holdTable(h: NotifyHoldReport): string {
  const s = summarizeHold(h.points);
  const head = ["shape", "sync", "C", "commits/s", "lock busy", "hold ms", "p50 ms", "fsync/commit", "load"];
  const rows = h.points.map((p) => [
    p.shape,
    p.synchronousCommit,
    String(p.clients),
    p.throughput.toFixed(0),
    `${(p.lockBusy * 100).toFixed(1)} %`,
    ms(p.holdMeanS),
    ms(p.latencyP50),
    p.fsyncsPerCommit !== undefined ? p.fsyncsPerCommit.toFixed(2) : "-",
    p.loadAverage1m.toFixed(2),
  ]);
  const widths = head.map((x, i) => Math.max(x.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    "notify_commit_hold: the notify-queue lock (hold = lock busy fraction / commits per second)",
    conditions(h),
    "",
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `publish (coderd's pubsub.Publish) hold: ${ms(s.publishHoldS)} ms alone, ${ms(s.publishHoldContendedS)} ms with 2..${s.maxClients} clients; ` +
      `update+notify hold: ${ms(s.flushedHoldS)} ms (synchronous_commit on), ${ms(s.unflushedHoldS)} ms (off)`,
    `throughput at ${s.maxClients} clients / at 1: update+notify ${s.notifyScaling?.toFixed(2) ?? "-"}x, update alone ${s.plainScaling?.toFixed(2) ?? "-"}x`,
    "",
  ].join("\n");
}
