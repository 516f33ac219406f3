/**
 * Steady-state means of an open queue. When the queue is unstable (utilisation >= 1) the means are
 * `Infinity` and `stable` is false, so sweeps can plot saturation without a try/catch.
 */
export interface QueueMetrics {
  /** Offered load per server, ρ = λ/(cμ); may exceed 1 for an unstable queue. */
  utilisation: number;
  /** Mean time in queue before service starts, Wq. */
  meanWaitSeconds: number;
  /** Mean time in system, W = Wq + E[S]. */
  meanResponseSeconds: number;
  /** Mean number in system, L = λW. */
  meanNumberInSystem: number;
  /** Mean number waiting, Lq = λWq. */
  meanNumberInQueue: number;
  stable: boolean;
}

/** The metrics of a queue whose load is at or past capacity. */
export function unstableMetrics(utilisation: number): QueueMetrics {
  return {
    utilisation,
    meanWaitSeconds: Number.POSITIVE_INFINITY,
    meanResponseSeconds: Number.POSITIVE_INFINITY,
    meanNumberInSystem: Number.POSITIVE_INFINITY,
    meanNumberInQueue: Number.POSITIVE_INFINITY,
    stable: false,
  };
}
