import { type QueueMetrics, unstableMetrics } from "./types.js";
import { requireNonNegative, requirePositive } from "./validate.js";

/**
 * M/M/1 FCFS queue: ρ = λ/μ, W = 1/(μ−λ), Wq = ρ/(μ−λ), L = ρ/(1−ρ), Lq = ρ²/(1−ρ).
 * Reference: Kleinrock, Queueing Systems Vol. 1 (1975), ch. 3 (M/M/1).
 */
export function mm1(arrivalRatePerSecond: number, serviceRatePerSecond: number): QueueMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("serviceRatePerSecond", serviceRatePerSecond);
  const utilisation = arrivalRatePerSecond / serviceRatePerSecond;
  if (utilisation >= 1) return unstableMetrics(utilisation);
  const spareRatePerSecond = serviceRatePerSecond - arrivalRatePerSecond;
  const meanResponseSeconds = 1 / spareRatePerSecond;
  const meanWaitSeconds = utilisation / spareRatePerSecond;
  return {
    utilisation,
    meanWaitSeconds,
    meanResponseSeconds,
    meanNumberInSystem: utilisation / (1 - utilisation),
    meanNumberInQueue: (utilisation * utilisation) / (1 - utilisation),
    stable: true,
  };
}
