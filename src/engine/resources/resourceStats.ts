/**
 * What every resource reports over its measurement window [last resetStats(), now]. Snake-case names
 * with units, as they appear in results files.
 */
export interface ResourceStats {
  name: string;
  /** Length of the measurement window, seconds. */
  window_s: number;
  /** Servers, cores, pool units or flushers. */
  servers: number;
  /** Time-average busy fraction of the servers, including background load. */
  utilization: number;
  /** Time-average share of the servers taken by background (fluid) load. */
  background_utilization: number;
  /** Completions per second. */
  throughput_per_s: number;
  /** Mean service demand of completed jobs, server-seconds. */
  mean_service_s: number;
  /** Mean time not being served (FCFS/pool: queueing; PS: response − work). */
  mean_wait_s: number;
  /** Mean time in system of completed jobs, seconds. */
  mean_response_s: number;
  /** Time-average number of jobs present. */
  mean_in_system: number;
  /** Time-average number waiting (PS: jobs in system minus busy job-cores). */
  mean_queue_length: number;
  max_in_system: number;
  /**
   * Time-average number of jobs still present at the window's end, counted over their time inside the
   * window: with it, Little's law over the window is exact, mean_in_system = throughput·response + this.
   * Near 0 in steady state; large when the resource is overloaded and work piles up.
   */
  residual_in_system: number;
  /** Utilisation from work done inside the window by jobs still present at its end (utilisation law's remainder). */
  residual_utilization: number;
  completed: number;
  rejected: number;
}

/** Response-time quantiles from a sketch, present when a resource tracks them. */
export interface ResponseQuantiles {
  response_p50_s: number;
  response_p95_s: number;
  response_p99_s: number;
}

/** Completions per second over a window; NaN for an empty window. */
export function ratePerSecond(count: number, windowSeconds: number): number {
  return windowSeconds > 0 ? count / windowSeconds : Number.NaN;
}
