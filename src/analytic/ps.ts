import { erlangB, mmc } from "./mmc.js";
import { requireNonNegative, requirePositive, requirePositiveInteger } from "./validate.js";

/**
 * Steady-state means of a processor-sharing queue. There is no separate "wait": every job is in
 * service from arrival, slowed down by sharing. `Infinity` means and `stable: false` past capacity.
 */
export interface PsMetrics {
  /** Busy fraction of the c servers, foreground plus any background load: (a + b)/c. */
  utilisation: number;
  /** Mean time in system, W. */
  meanResponseSeconds: number;
  /** Mean number of jobs in the system, L = λW. */
  meanNumberInSystem: number;
  /**
   * W / E[S]. In these (generalised) PS queues the mean response of a job needing x seconds of one
   * server is linear in x (Cohen 1979), so E[T | size x] = x · meanSlowdown.
   */
  meanSlowdown: number;
  stable: boolean;
}

function unstablePs(utilisation: number): PsMetrics {
  return {
    utilisation,
    meanResponseSeconds: Number.POSITIVE_INFINITY,
    meanNumberInSystem: Number.POSITIVE_INFINITY,
    meanSlowdown: Number.POSITIVE_INFINITY,
    stable: false,
  };
}

/**
 * M/G/1-PS: W = E[S]/(1−ρ), L = ρ/(1−ρ), E[T | x] = x/(1−ρ); insensitive to the service distribution.
 * Reference: Kleinrock, Queueing Systems Vol. 2 (1976), ch. 4 (processor sharing).
 */
export function mg1Ps(arrivalRatePerSecond: number, meanServiceSeconds: number): PsMetrics {
  return psWithBackgroundLoad(arrivalRatePerSecond, meanServiceSeconds, 1, 0);
}

/**
 * c-server PS where each of n jobs gets min(1, c/n) of a server (a Linux CFS CPU with c cores, a job
 * being one runnable thread). Reasoning: with n jobs the total service rate is μ·n·min(1, c/n) =
 * μ·min(n, c), the M/M/c birth–death chain; the discipline is symmetric, so the distribution of N is
 * insensitive to the service distribution beyond its mean. Hence L and W equal M/M/c's for any
 * service distribution (unlike FCFS M/G/c, which is not insensitive).
 * Reference: Kelly, Reversibility and Stochastic Networks (1979), ch. 3 (symmetric queues).
 */
export function mgcPs(arrivalRatePerSecond: number, meanServiceSeconds: number, servers: number): PsMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("meanServiceSeconds", meanServiceSeconds);
  requirePositiveInteger("servers", servers);
  const fcfs = mmc(arrivalRatePerSecond, 1 / meanServiceSeconds, servers);
  if (!fcfs.stable) return unstablePs(fcfs.utilisation);
  return {
    utilisation: fcfs.utilisation,
    meanResponseSeconds: fcfs.meanResponseSeconds,
    meanNumberInSystem: fcfs.meanNumberInSystem,
    meanSlowdown: fcfs.meanResponseSeconds / meanServiceSeconds,
    stable: true,
  };
}

/**
 * PS on c servers of which a background fluid load b (in servers, e.g. idle-workspace CPU) is always
 * taken. Model, stated as an assumption: the remaining capacity s = c − b is shared, each of n jobs
 * capped at one server, so the total rate is μ·min(n, s) (M/M/c-PS with capacity c − b; a generalised
 * PS queue, hence insensitive). For c = 1 this gives E[T | x] = x/(1 − b − ρ) exactly.
 * With m = ⌊s⌋, r = a/s, B = Erlang B(m, a): P(N ≤ m) = 1/(1 + B·r/(1−r)),
 * L = P(N ≤ m)·[a(1−B) + B·(m·r/(1−r) + r/(1−r)²)], W = L/λ.
 * Reference: Cohen, "The multiple phase service network with generalized processor sharing", Acta Inf. 12 (1979) 245–284.
 */
export function psWithBackgroundLoad(
  arrivalRatePerSecond: number,
  meanServiceSeconds: number,
  servers: number,
  backgroundLoadServers: number,
): PsMetrics {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  requirePositive("meanServiceSeconds", meanServiceSeconds);
  requirePositiveInteger("servers", servers);
  requireNonNegative("backgroundLoadServers", backgroundLoadServers);
  const offeredLoadErlangs = arrivalRatePerSecond * meanServiceSeconds;
  const capacityServers = servers - backgroundLoadServers;
  const utilisation = (offeredLoadErlangs + backgroundLoadServers) / servers;
  if (capacityServers <= 0 || offeredLoadErlangs >= capacityServers) return unstablePs(utilisation);
  if (arrivalRatePerSecond === 0) {
    // A lone job runs at min(1, s) of a server.
    const meanSlowdown = 1 / Math.min(1, capacityServers);
    return {
      utilisation,
      meanResponseSeconds: meanServiceSeconds * meanSlowdown,
      meanNumberInSystem: 0,
      meanSlowdown,
      stable: true,
    };
  }
  const meanNumberInSystem = minRateChainMeanNumber(offeredLoadErlangs, capacityServers);
  const meanResponseSeconds = meanNumberInSystem / arrivalRatePerSecond;
  return {
    utilisation,
    meanResponseSeconds,
    meanNumberInSystem,
    meanSlowdown: meanResponseSeconds / meanServiceSeconds,
    stable: true,
  };
}

/** Mean of the birth–death chain with birth rate a and death rate min(n, s) (0 < a < s, s real). */
function minRateChainMeanNumber(offeredLoadErlangs: number, capacityServers: number): number {
  const fullServers = Math.floor(capacityServers);
  const ratio = offeredLoadErlangs / capacityServers;
  // B is P(N = m | N ≤ m): the truncated Poisson (Erlang loss) law on 0..m; B = 1 when m = 0.
  const blocking = fullServers === 0 ? 1 : erlangB(fullServers, offeredLoadErlangs);
  const tailMass = (blocking * ratio) / (1 - ratio);
  const probabilityAtMostFull = 1 / (1 + tailMass);
  const meanBelow = offeredLoadErlangs * (1 - blocking);
  const meanAboveTerms = (fullServers * ratio) / (1 - ratio) + ratio / ((1 - ratio) * (1 - ratio));
  return probabilityAtMostFull * (meanBelow + blocking * meanAboveTerms);
}
