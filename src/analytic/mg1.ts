import { erlangC } from "./mmc.js";
import { type QueueMetrics, unstableMetrics } from "./types.js";
import { requireNonNegative, requirePositive, requirePositiveInteger } from "./validate.js";

/**
 * M/G/1 FCFS by Pollaczek–Khinchine from the first two service moments:
 * ρ = λE[S], Wq = λE[S²] / (2(1−ρ)), W = Wq + E[S], Lq = λWq, L = λW.
 * Reference: Kleinrock, Queueing Systems Vol. 1 (1975), ch. 5 (P-K mean value formula).
 */
export function mg1FromSecondMoment(
  arrivalRatePerSecond: number,
  meanServiceSeconds: number,
  serviceSecondMomentSeconds2: number,
): QueueMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("meanServiceSeconds", meanServiceSeconds);
  requireNonNegative("serviceSecondMomentSeconds2", serviceSecondMomentSeconds2);
  // A second moment below mean² would mean negative variance; allow rounding noise only.
  if (serviceSecondMomentSeconds2 < meanServiceSeconds * meanServiceSeconds * (1 - 1e-12)) {
    throw new RangeError(
      `serviceSecondMomentSeconds2 (${serviceSecondMomentSeconds2}) must be >= meanServiceSeconds² (${meanServiceSeconds * meanServiceSeconds})`,
    );
  }
  const utilisation = arrivalRatePerSecond * meanServiceSeconds;
  if (utilisation >= 1) return unstableMetrics(utilisation);
  const meanWaitSeconds = (arrivalRatePerSecond * serviceSecondMomentSeconds2) / (2 * (1 - utilisation));
  const meanResponseSeconds = meanWaitSeconds + meanServiceSeconds;
  return {
    utilisation,
    meanWaitSeconds,
    meanResponseSeconds,
    meanNumberInSystem: arrivalRatePerSecond * meanResponseSeconds,
    meanNumberInQueue: arrivalRatePerSecond * meanWaitSeconds,
    stable: true,
  };
}

/**
 * M/G/1 FCFS by Pollaczek–Khinchine from the service SCV c_s² = Var[S]/E[S]²:
 * Wq = ρ·E[S]·(1 + c_s²) / (2(1−ρ)).
 * Reference: Kleinrock, Queueing Systems Vol. 1 (1975), ch. 5 (P-K mean value formula).
 */
export function mg1(
  arrivalRatePerSecond: number,
  meanServiceSeconds: number,
  serviceScv: number,
): QueueMetrics {
  requirePositive("meanServiceSeconds", meanServiceSeconds);
  requireNonNegative("serviceScv", serviceScv);
  const secondMomentSeconds2 = (1 + serviceScv) * meanServiceSeconds * meanServiceSeconds;
  return mg1FromSecondMoment(arrivalRatePerSecond, meanServiceSeconds, secondMomentSeconds2);
}

/**
 * M/D/1 (deterministic service, c_s² = 0): Wq = ρ / (2μ(1−ρ)), half the M/M/1 wait.
 * Reference: Kleinrock, Queueing Systems Vol. 1 (1975), ch. 5, P-K with E[S²] = 1/μ².
 */
export function md1(arrivalRatePerSecond: number, serviceRatePerSecond: number): QueueMetrics {
  requirePositive("serviceRatePerSecond", serviceRatePerSecond);
  return mg1(arrivalRatePerSecond, 1 / serviceRatePerSecond, 0);
}

/** An approximation, flagged in the type so reports can say so. */
export interface ApproximateQueueMetrics extends QueueMetrics {
  approximate: true;
  servers: number;
  /** Erlang C of the M/M/c with the same means; the approximation keeps it as P(wait). */
  probabilityOfWait: number;
}

/**
 * APPROXIMATE G/G/c (M/G/c when arrivalScv = 1) by Allen–Cunneen:
 * Wq ≈ C(c, a)/(cμ − λ) · (c_a² + c_s²)/2, i.e. the M/M/c wait scaled by the variability term.
 * Exact for M/M/c and for M/G/1; typically within ~10% for moderate c_s² and ρ ≳ 0.5.
 * Reference: Allen, Probability, Statistics, and Queueing Theory, 2nd ed. (1990), ch. 6 (Allen–Cunneen).
 */
export function ggcAllenCunneen(
  arrivalRatePerSecond: number,
  meanServiceSeconds: number,
  servers: number,
  serviceScv: number,
  arrivalScv = 1,
): ApproximateQueueMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("meanServiceSeconds", meanServiceSeconds);
  requirePositiveInteger("servers", servers);
  requireNonNegative("serviceScv", serviceScv);
  requireNonNegative("arrivalScv", arrivalScv);
  const offeredLoadErlangs = arrivalRatePerSecond * meanServiceSeconds;
  const utilisation = offeredLoadErlangs / servers;
  if (utilisation >= 1) {
    return { ...unstableMetrics(utilisation), approximate: true, servers, probabilityOfWait: 1 };
  }
  const probabilityOfWait = erlangC(servers, offeredLoadErlangs);
  const mmcWaitSeconds = (probabilityOfWait * meanServiceSeconds) / (servers - offeredLoadErlangs);
  const meanWaitSeconds = (mmcWaitSeconds * (arrivalScv + serviceScv)) / 2;
  const meanResponseSeconds = meanWaitSeconds + meanServiceSeconds;
  return {
    utilisation,
    meanWaitSeconds,
    meanResponseSeconds,
    meanNumberInSystem: arrivalRatePerSecond * meanResponseSeconds,
    meanNumberInQueue: arrivalRatePerSecond * meanWaitSeconds,
    stable: true,
    approximate: true,
    servers,
    probabilityOfWait,
  };
}

/** APPROXIMATE M/G/c (Poisson arrivals) by Allen–Cunneen; see {@link ggcAllenCunneen}. */
export function mgcAllenCunneen(
  arrivalRatePerSecond: number,
  meanServiceSeconds: number,
  servers: number,
  serviceScv: number,
): ApproximateQueueMetrics {
  return ggcAllenCunneen(arrivalRatePerSecond, meanServiceSeconds, servers, serviceScv, 1);
}
