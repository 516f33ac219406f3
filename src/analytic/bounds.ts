import { requireNonNegative, requirePositive, requirePositiveInteger } from "./validate.js";

/**
 * Utilisation law U = X·S (per server: divide by the server count).
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 3 (operational laws).
 */
export function utilisationLaw(throughputPerSecond: number, serviceSecondsPerCompletion: number): number {
  requireNonNegative("throughputPerSecond", throughputPerSecond);
  requireNonNegative("serviceSecondsPerCompletion", serviceSecondsPerCompletion);
  return throughputPerSecond * serviceSecondsPerCompletion;
}

/**
 * Little's law N = X·R (mean number present from throughput and mean time present).
 * Reference: Little, "A proof for the queuing formula L = λW", Operations Research 9 (1961) 383–387.
 */
export function littlesLaw(throughputPerSecond: number, residenceSeconds: number): number {
  requireNonNegative("throughputPerSecond", throughputPerSecond);
  requireNonNegative("residenceSeconds", residenceSeconds);
  return throughputPerSecond * residenceSeconds;
}

/**
 * Service demand law D_k = U_k / X (busy seconds at k per system completion).
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 3 (operational laws).
 */
export function serviceDemandLaw(utilisation: number, throughputPerSecond: number): number {
  requireNonNegative("utilisation", utilisation);
  requirePositive("throughputPerSecond", throughputPerSecond);
  return utilisation / throughputPerSecond;
}

/**
 * Interactive response time law R = N/X − Z.
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 3 (operational laws).
 */
export function interactiveResponseSeconds(
  population: number,
  throughputPerSecond: number,
  thinkTimeSeconds: number,
): number {
  requireNonNegative("population", population);
  requirePositive("throughputPerSecond", throughputPerSecond);
  requireNonNegative("thinkTimeSeconds", thinkTimeSeconds);
  return population / throughputPerSecond - thinkTimeSeconds;
}

/** A station for bound analysis; `servers: Infinity` is a delay (pure latency) station. */
export interface BoundStation {
  name?: string;
  demandSeconds: number;
  /** Default 1. */
  servers?: number;
}

export interface Bottleneck {
  index: number;
  name: string;
  /** D_k / c_k: seconds of one server's time per completion, the quantity that saturates first. */
  perServerDemandSeconds: number;
}

function perServerDemand(station: BoundStation, index: number): number {
  const servers = station.servers ?? 1;
  requireNonNegative(`stations[${index}].demandSeconds`, station.demandSeconds);
  if (servers !== Number.POSITIVE_INFINITY) requirePositiveInteger(`stations[${index}].servers`, servers);
  return station.demandSeconds / servers;
}

/**
 * The bottleneck: argmax_k D_k/c_k (first one on ties).
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 5 (asymptotic bounds).
 */
export function bottleneck(stations: readonly BoundStation[]): Bottleneck {
  if (stations.length === 0) throw new RangeError("stations must not be empty");
  let best: Bottleneck | undefined;
  stations.forEach((station, index) => {
    const perServerDemandSeconds = perServerDemand(station, index);
    if (best === undefined || perServerDemandSeconds > best.perServerDemandSeconds) {
      best = { index, name: station.name ?? `station${index}`, perServerDemandSeconds };
    }
  });
  return best!;
}

/**
 * Saturation throughput X_max = min_k c_k/D_k = 1/max_k(D_k/c_k); Infinity if nothing queues.
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 5 (asymptotic bounds).
 */
export function saturationThroughputPerSecond(stations: readonly BoundStation[]): number {
  const { perServerDemandSeconds } = bottleneck(stations);
  return perServerDemandSeconds > 0 ? 1 / perServerDemandSeconds : Number.POSITIVE_INFINITY;
}

export interface ClosedSystemBounds {
  population: number;
  /** X(N) ≤ min(N/(D+Z), 1/D_max). */
  throughputUpperPerSecond: number;
  /** X(N) ≥ N/(R_upper + Z): every job queues behind all others at every queueing station. */
  throughputLowerPerSecond: number;
  /** R(N) ≥ max(D, N·D_max − Z). */
  responseLowerSeconds: number;
  /** R(N) ≤ N·D_queueing + D_delay (N·D when there are no delay stations). */
  responseUpperSeconds: number;
  /** N* = (D + Z)/D_max, where the two throughput asymptotes cross. */
  kneePopulation: number;
}

/**
 * Asymptotic bounds for a closed interactive system with total demand D = Σ D_k, D_max = max D_k/c_k:
 * X(N) ≤ min(N/(D+Z), 1/D_max), X(N) ≥ N/(N·D+Z), R(N) ≥ max(D, N·D_max − Z), R(N) ≤ N·D, N* = (D+Z)/D_max
 * (delay stations, `servers: Infinity`, add their demand once rather than N times to the pessimistic side).
 * Multi-server stations use D_k/c_k as their asymptote (a standard extension of the single-server bounds).
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 5 (asymptotic bounds).
 */
export function closedSystemBounds(
  stations: readonly BoundStation[],
  population: number,
  thinkTimeSeconds = 0,
): ClosedSystemBounds {
  requirePositiveInteger("population", population);
  requireNonNegative("thinkTimeSeconds", thinkTimeSeconds);
  const maxDemandSeconds = bottleneck(stations).perServerDemandSeconds;
  let totalDemandSeconds = 0;
  let queueingDemandSeconds = 0;
  for (const station of stations) {
    totalDemandSeconds += station.demandSeconds;
    if ((station.servers ?? 1) !== Number.POSITIVE_INFINITY) queueingDemandSeconds += station.demandSeconds;
  }
  const delayDemandSeconds = totalDemandSeconds - queueingDemandSeconds;
  const cycleSeconds = totalDemandSeconds + thinkTimeSeconds;
  if (cycleSeconds <= 0) throw new RangeError("total demand plus think time must be > 0");
  // A delay station never makes a job wait, so only queueing demand is multiplied by N.
  const responseUpperSeconds = population * queueingDemandSeconds + delayDemandSeconds;
  return {
    population,
    throughputUpperPerSecond: Math.min(
      population / cycleSeconds,
      maxDemandSeconds > 0 ? 1 / maxDemandSeconds : Number.POSITIVE_INFINITY,
    ),
    throughputLowerPerSecond: population / (responseUpperSeconds + thinkTimeSeconds),
    responseLowerSeconds: Math.max(totalDemandSeconds, population * maxDemandSeconds - thinkTimeSeconds),
    responseUpperSeconds,
    kneePopulation: maxDemandSeconds > 0 ? cycleSeconds / maxDemandSeconds : Number.POSITIVE_INFINITY,
  };
}

export interface OpenSystemBounds {
  /** λ < 1/D_max for stability. */
  saturationThroughputPerSecond: number;
  /** R ≥ D (no queueing anywhere). */
  responseLowerSeconds: number;
  /** Per-server utilisation of the bottleneck, λ·D_max. */
  bottleneckUtilisation: number;
}

/**
 * Asymptotic bounds for an open system at arrival rate λ: X_sat = 1/D_max, R ≥ D, U_bottleneck = λ·D_max.
 * Reference: Lazowska et al., Quantitative System Performance (1984), ch. 5 (asymptotic bounds).
 */
export function openSystemBounds(
  stations: readonly BoundStation[],
  arrivalRatePerSecond: number,
): OpenSystemBounds {
  requireNonNegative("arrivalRatePerSecond", arrivalRatePerSecond);
  const maxDemandSeconds = bottleneck(stations).perServerDemandSeconds;
  return {
    saturationThroughputPerSecond: saturationThroughputPerSecond(stations),
    responseLowerSeconds: stations.reduce((sum, s) => sum + s.demandSeconds, 0),
    bottleneckUtilisation: arrivalRatePerSecond * maxDemandSeconds,
  };
}
