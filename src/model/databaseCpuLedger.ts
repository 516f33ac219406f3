/**
 * The database's rate-carried CPU by source: the loads the database sums into its processor-sharing
 * CPU's background (idle background, a named residual, fluid streams, event-following loads), each
 * integrated over time at the share of it the CPU actually ran (a background over the CPU's cap runs
 * scaled down, and so is each part of it).
 */

/** A rate-carried source: how the database's background is made up. */
export interface RateSource {
  readonly source: string;
  /** `background`: constant; `fluid`: a stream carried as a rate; `event`: follows counted events. */
  readonly kind: "background" | "fluid" | "event";
}

/** The rate-carried sources, in the order of their slots (the `RATE_*` indexes). */
export const RATE_SOURCES: readonly RateSource[] = [
  { source: "database_background", kind: "background" },
  { source: "unexplained_residual", kind: "background" },
  { source: "agent_heartbeats", kind: "fluid" },
  { source: "provisioner_job_updates", kind: "fluid" },
  { source: "job_update_notify_fanout", kind: "fluid" },
  { source: "pubsub_notify_fanout", kind: "event" },
  { source: "connection_opens", kind: "event" },
];
export const RATE_BACKGROUND = 0;
export const RATE_UNEXPLAINED = 1;
export const RATE_HEARTBEATS = 2;
export const RATE_JOB_UPDATES = 3;
export const RATE_JOB_UPDATE_FANOUT = 4;
export const RATE_NOTIFY_FANOUT = 5;
export const RATE_CONNECTION_OPENS = 6;

export class RateCpuLedger {
  /** Requested vCPU of each source now. */
  readonly rates = new Float64Array(RATE_SOURCES.length);
  /** CPU-seconds each source ran up to `since`. */
  private readonly cpuSeconds = new Float64Array(RATE_SOURCES.length);
  /** Share of the requested background the CPU runs now (1 below its cap). */
  private scale = 0;
  private since = 0;

  constructor(nowSeconds: number) {
    this.since = nowSeconds;
  }

  /** Integrates the current rates up to now; call before changing `rates`. */
  accrue(nowSeconds: number): void {
    const dt = nowSeconds - this.since;
    if (dt > 0)
      for (let i = 0; i < this.rates.length; i++) this.cpuSeconds[i]! += this.rates[i]! * this.scale * dt;
    this.since = nowSeconds;
  }

  /** The rates now in place, of which the CPU runs `appliedVcpu` (its capped background). */
  applied(appliedVcpu: number): void {
    let requested = 0;
    for (let i = 0; i < this.rates.length; i++) requested += this.rates[i]!;
    this.scale = requested > 0 ? appliedVcpu / requested : 0;
  }

  /** CPU-seconds of each source since the start, into `out` (a pure read). */
  cpuSecondsAt(nowSeconds: number, out: Float64Array): void {
    const dt = Math.max(0, nowSeconds - this.since);
    for (let i = 0; i < this.rates.length; i++)
      out[i] = this.cpuSeconds[i]! + this.rates[i]! * this.scale * dt;
  }
}
