import { type MmcMetrics, mmc } from "./mmc.js";
import { requireNonNegative } from "./validate.js";

export interface TandemStation {
  serviceRatePerSecond: number;
  /** Default 1. */
  servers?: number;
}

export interface TandemMetrics {
  stations: MmcMetrics[];
  /** Σ_k W_k: end-to-end mean response. */
  meanResponseSeconds: number;
  /** Σ_k Wq_k. */
  meanWaitSeconds: number;
  /** Σ_k L_k. */
  meanNumberInSystem: number;
  /** Index of the station with the highest per-server utilisation (first on ties). */
  bottleneckIndex: number;
  /** False if any station is at or past capacity; the sums are then Infinity. */
  stable: boolean;
}

/**
 * Open Jackson tandem of M/M/c stations all fed by Poisson λ: by Burke's theorem each station's
 * departures are Poisson λ and the product form makes the stations independent, so W = Σ_k W_k(λ).
 * Reference: Gross, Shortle, Thompson & Harris, Fundamentals of Queueing Theory, 4th ed. (2008), ch. 5 (series queues, Jackson networks).
 */
export function jacksonTandem(
  arrivalRatePerSecond: number,
  stations: readonly TandemStation[],
): TandemMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  if (stations.length === 0) throw new RangeError("stations must not be empty");
  const metrics = stations.map((station) =>
    mmc(arrivalRatePerSecond, station.serviceRatePerSecond, station.servers ?? 1),
  );
  let bottleneckIndex = 0;
  metrics.forEach((m, index) => {
    if (m.utilisation > metrics[bottleneckIndex]!.utilisation) bottleneckIndex = index;
  });
  return {
    stations: metrics,
    meanResponseSeconds: metrics.reduce((sum, m) => sum + m.meanResponseSeconds, 0),
    meanWaitSeconds: metrics.reduce((sum, m) => sum + m.meanWaitSeconds, 0),
    meanNumberInSystem: metrics.reduce((sum, m) => sum + m.meanNumberInSystem, 0),
    bottleneckIndex,
    stable: metrics.every((m) => m.stable),
  };
}
