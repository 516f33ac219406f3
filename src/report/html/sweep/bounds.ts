/** One sweep point as asymptotic bound analysis sees it. */
export interface BoundObservation {
  /** N, the closed population (users or workspaces). */
  population: number;
  /** X, the throughput the bounds are drawn on (requests per second). */
  throughputPerSecond: number;
  /** U_k, per-server utilisation by resource. */
  utilization: ReadonlyMap<string, number | null>;
}

export interface ResourceDemand {
  resource: string;
  /** D_k / c_k: seconds of one server per request, by the utilisation law U_k = X·D_k/c_k. */
  perServerDemandSeconds: number;
}

export interface AsymptoticBounds {
  /** D + Z: the cycle time a request sees with no queueing (smallest N/X observed). */
  cycleSeconds: number;
  demands: ResourceDemand[];
  /** The resource with the largest demand; it caps throughput at 1/D_max. */
  bottleneck: string;
  maxThroughputPerSecond: number;
  /** N* = (D+Z)/D_max, where the two bound lines cross: the knee. */
  kneePopulation: number;
  points: number;
}

/**
 * Asymptotic bounds from a sweep's own columns (Lazowska et al., Quantitative System Performance,
 * ch. 5): X(N) ≤ min(N/(D+Z), 1/D_max). D_k comes from the utilisation law D_k = U_k/X, fitted by least
 * squares through the origin over all points (D_k = Σ U_k·X / Σ X²), so one noisy point cannot set it.
 * D+Z is the smallest N/X seen: by the response-time law N/X = R+Z ≥ D+Z, so the lightest point bounds it
 * from above and equals it when that point has no queueing. Undefined with fewer than 2 usable points.
 */
export function asymptoticBounds(observations: readonly BoundObservation[]): AsymptoticBounds | undefined {
  const usable = observations.filter(
    (o) =>
      Number.isFinite(o.population) &&
      o.population > 0 &&
      Number.isFinite(o.throughputPerSecond) &&
      o.throughputPerSecond > 0,
  );
  if (usable.length < 2) return undefined;
  const resources = [...new Set(usable.flatMap((o) => [...o.utilization.keys()]))];
  const demands: ResourceDemand[] = [];
  for (const resource of resources) {
    let ux = 0;
    let xx = 0;
    for (const o of usable) {
      const u = o.utilization.get(resource);
      if (u === null || u === undefined || !Number.isFinite(u)) continue;
      ux += u * o.throughputPerSecond;
      xx += o.throughputPerSecond ** 2;
    }
    if (xx > 0) demands.push({ resource, perServerDemandSeconds: ux / xx });
  }
  const top = [...demands].sort((a, b) => b.perServerDemandSeconds - a.perServerDemandSeconds)[0];
  if (!top || top.perServerDemandSeconds <= 0) return undefined;
  const cycleSeconds = Math.min(...usable.map((o) => o.population / o.throughputPerSecond));
  return {
    cycleSeconds,
    demands,
    bottleneck: top.resource,
    maxThroughputPerSecond: 1 / top.perServerDemandSeconds,
    kneePopulation: cycleSeconds / top.perServerDemandSeconds,
    points: usable.length,
  };
}

/** The optimistic throughput bound at population N. */
export function throughputBound(b: AsymptoticBounds, population: number): number {
  return Math.min(population / b.cycleSeconds, b.maxThroughputPerSecond);
}
