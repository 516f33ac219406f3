import { type QueueMetrics, unstableMetrics } from "./types.js";
import { requireNonNegative, requirePositive, requirePositiveInteger } from "./validate.js";

/** M/M/c metrics plus the Erlang C probability that an arrival has to wait. */
export interface MmcMetrics extends QueueMetrics {
  servers: number;
  /** Offered load a = λ/μ in Erlangs (busy servers on average). */
  offeredLoadErlangs: number;
  /** Erlang C: P(all c servers busy at an arrival) = P(wait > 0). */
  probabilityOfWait: number;
}

/**
 * Erlang B blocking probability for c servers and a = λ/μ Erlangs, by the stable recursion
 * B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); never overflows, so c in the thousands is fine.
 * Reference: Cooper, Introduction to Queueing Theory, 2nd ed. (1981), ch. 3 (Erlang loss formula).
 */
export function erlangB(servers: number, offeredLoadErlangs: number): number {
  requirePositiveInteger("servers", servers);
  requireNonNegative("offeredLoadErlangs", offeredLoadErlangs);
  let blocking = 1;
  for (let k = 1; k <= servers; k++) {
    blocking = (offeredLoadErlangs * blocking) / (k + offeredLoadErlangs * blocking);
  }
  return blocking;
}

/**
 * Erlang C delay probability C(c, a) = c·B / (c − a·(1 − B)) with B = Erlang B(c, a); 1 when a ≥ c.
 * Reference: Cooper, Introduction to Queueing Theory, 2nd ed. (1981), ch. 3 (Erlang delay formula).
 */
export function erlangC(servers: number, offeredLoadErlangs: number): number {
  const blocking = erlangB(servers, offeredLoadErlangs);
  if (offeredLoadErlangs >= servers) return 1;
  return (servers * blocking) / (servers - offeredLoadErlangs * (1 - blocking));
}

/**
 * M/M/c FCFS queue: a = λ/μ, ρ = a/c, Wq = C(c, a)/(cμ − λ), W = Wq + 1/μ, Lq = λWq, L = λW.
 * Reference: Gross, Shortle, Thompson & Harris, Fundamentals of Queueing Theory, 4th ed. (2008), ch. 2 (M/M/c).
 */
export function mmc(arrivalRatePerSecond: number, serviceRatePerSecond: number, servers: number): MmcMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("serviceRatePerSecond", serviceRatePerSecond);
  requirePositiveInteger("servers", servers);
  const offeredLoadErlangs = arrivalRatePerSecond / serviceRatePerSecond;
  const utilisation = offeredLoadErlangs / servers;
  if (utilisation >= 1) {
    return { ...unstableMetrics(utilisation), servers, offeredLoadErlangs, probabilityOfWait: 1 };
  }
  const probabilityOfWait = erlangC(servers, offeredLoadErlangs);
  const meanWaitSeconds = probabilityOfWait / (servers * serviceRatePerSecond - arrivalRatePerSecond);
  const meanResponseSeconds = meanWaitSeconds + 1 / serviceRatePerSecond;
  return {
    utilisation,
    meanWaitSeconds,
    meanResponseSeconds,
    meanNumberInSystem: arrivalRatePerSecond * meanResponseSeconds,
    meanNumberInQueue: arrivalRatePerSecond * meanWaitSeconds,
    stable: true,
    servers,
    offeredLoadErlangs,
    probabilityOfWait,
  };
}
