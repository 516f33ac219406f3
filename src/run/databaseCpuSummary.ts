import type { ReplicationResult } from "../model/coderModel.js";
import type { DatabaseCpuSource } from "../model/databaseCpuBySource.js";

/** One source's share of the database CPU over a window, means over replications (docs/output.md). */
export interface DatabaseCpuSourceSummary {
  source: string;
  kind: DatabaseCpuSource["kind"];
  cpu_seconds: number;
  /** cpu_seconds over the window's length: the vCPU it kept busy on average. */
  mean_vcpu: number;
  /** Of the window's database CPU-seconds (0 when the database did nothing). */
  share: number;
}

export interface DatabaseCpuWindowSummary {
  window: string;
  /** The first replication's window (prepare may end at different times in others). */
  start_s: number;
  end_s: number;
  /** The database's busy CPU-seconds in the window (jobs plus background), mean over replications. */
  cpu_seconds: number;
  mean_vcpu: number;
  /** Every source, busiest first. */
  sources: DatabaseCpuSourceSummary[];
}

/** `database_cpu_by_source` of `capsim run --json`: the traffic window, then prepare when there is one. */
export interface DatabaseCpuSummary {
  windows: DatabaseCpuWindowSummary[];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Each window's sources, averaged over the replications that have the window. */
export function databaseCpuSummary(results: readonly ReplicationResult[]): DatabaseCpuSummary {
  const first = results[0]?.databaseCpuBySource ?? [];
  const windows = first.map((w) => {
    const reps = results.flatMap((r) => r.databaseCpuBySource.filter((x) => x.window === w.window));
    const perSecond = (cpu: (rw: (typeof reps)[number]) => number) =>
      mean(reps.map((rw) => (rw.end_s > rw.start_s ? cpu(rw) / (rw.end_s - rw.start_s) : 0)));
    const total = mean(reps.map((rw) => rw.cpu_seconds));
    const sources = w.sources.map((s, i) => {
      const cpu = mean(reps.map((rw) => rw.sources[i]!.cpu_seconds));
      return {
        source: s.source,
        kind: s.kind,
        cpu_seconds: cpu,
        mean_vcpu: perSecond((rw) => rw.sources[i]!.cpu_seconds),
        share: total > 0 ? cpu / total : 0,
      };
    });
    return {
      window: w.window,
      start_s: w.start_s,
      end_s: w.end_s,
      cpu_seconds: total,
      mean_vcpu: perSecond((rw) => rw.cpu_seconds),
      sources: sources.sort((a, b) => b.cpu_seconds - a.cpu_seconds),
    };
  });
  return { windows };
}
