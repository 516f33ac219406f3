import { requireNonNegative, requirePositiveInteger } from "./validate.js";

/**
 * A station of a closed single-class product-form network. `demandSeconds` is the total service
 * demand per job cycle, D_k = V_k·S_k (visits × seconds per visit at one server).
 */
export type MvaStation =
  | {
      kind: "queueing";
      name?: string;
      demandSeconds: number /** Identical FCFS/PS servers, default 1. */;
      servers?: number;
    }
  | { kind: "delay"; name?: string; demandSeconds: number };

export interface MvaStationResult {
  name: string;
  /** Mean jobs at the station (waiting + in service), Q_k(N). */
  queueLength: number;
  /** Per-server utilisation X(N)·D_k/c_k; for a delay station, mean busy "servers" X·D_k. */
  utilisation: number;
  /** Mean time a job spends at the station per cycle, R_k(N). */
  residenceSeconds: number;
}

export interface MvaPopulationResult {
  population: number;
  /** System throughput X(N) in cycles per second. */
  throughputPerSecond: number;
  /** Response time R(N) = Σ_k R_k(N), excluding the think time. */
  responseSeconds: number;
  stations: MvaStationResult[];
}

/** Each multi-server station doubles the work (one complement network per subset), so cap them. */
export const MVA_MAX_MULTI_SERVER_STATIONS = 10;

/**
 * Exact Mean Value Analysis for a closed single-class product-form network with think time Z:
 * R_k(n) = D_k·(1 + Q_k(n−1)) (queueing) or D_k (delay), X(n) = n/(Z + Σ R_k(n)), Q_k(n) = X(n)·R_k(n).
 * Multi-server stations use the exact load-dependent recursion on marginal probabilities p_k(j|n):
 * R_k(n) = (D_k/c)·(1 + Q_k(n−1) + Σ_{j=0}^{c−2} (c−1−j)·p_k(j|n−1)), p_k(j|n) = X(n)·D_k/j·p_k(j−1|n−1),
 * and p_k(0|n) = p_k(0|n−1)·X(n)/X_{−k}(n) with X_{−k} the throughput of the network without k. The
 * textbook p_k(0|n) = 1 − Σ_{j≥1} p_k(j|n) cancels catastrophically past the knee; this product does not.
 * Reference: Bolch, Greiner, de Meer & Trivedi, Queueing Networks and Markov Chains, 2nd ed. (2006), §8.2 (MVA, load-dependent).
 * Returns one result per population 1..maxPopulation (index n−1).
 */
export function mvaExact(
  stations: readonly MvaStation[],
  maxPopulation: number,
  thinkTimeSeconds = 0,
): MvaPopulationResult[] {
  requirePositiveInteger("maxPopulation", maxPopulation);
  requireNonNegative("thinkTimeSeconds", thinkTimeSeconds);
  if (stations.length === 0) throw new RangeError("stations must not be empty");
  const specs = stations.map(stationSpec);
  if (specs.every((s) => s.demandSeconds === 0) && thinkTimeSeconds === 0) {
    throw new RangeError("total demand plus think time must be > 0");
  }
  const multiServer = specs.flatMap((s, k) => (s.servers > 1 ? [k] : []));
  if (multiServer.length > MVA_MAX_MULTI_SERVER_STATIONS) {
    throw new RangeError(
      `at most ${MVA_MAX_MULTI_SERVER_STATIONS} multi-server stations are supported, got ${multiServer.length}`,
    );
  }
  const solver = new SubnetworkSolver(specs, maxPopulation, thinkTimeSeconds, multiServer);
  return solver.solve(specs.map((_, k) => k)).rows;
}

interface StationSpec {
  name: string;
  delay: boolean;
  demandSeconds: number;
  /** 1 for delay stations, so their utilisation reads X·D. */
  servers: number;
}

function stationSpec(station: MvaStation, index: number): StationSpec {
  const name = station.name ?? `station${index}`;
  requireNonNegative(`${name}.demandSeconds`, station.demandSeconds);
  const servers = station.kind === "queueing" ? (station.servers ?? 1) : 1;
  requirePositiveInteger(`${name}.servers`, servers);
  return { name, delay: station.kind === "delay", demandSeconds: station.demandSeconds, servers };
}

interface Solution {
  /** throughputs[n] = X(n) for n = 1..N; Infinity for a network with no demand and no think time. */
  throughputs: Float64Array;
  rows: MvaPopulationResult[];
}

/** Solves the network restricted to a subset of stations, memoising each subset's throughputs. */
class SubnetworkSolver {
  private readonly memo = new Map<string, Solution>();

  constructor(
    private readonly specs: readonly StationSpec[],
    private readonly maxPopulation: number,
    private readonly thinkTimeSeconds: number,
    private readonly multiServer: readonly number[],
  ) {}

  solve(members: readonly number[]): Solution {
    const key = members.filter((k) => this.multiServer.includes(k)).join(",");
    const cached = this.memo.get(key);
    if (cached) return cached;
    const complements = new Map<number, Float64Array>();
    for (const k of members) {
      if (this.specs[k]!.servers > 1)
        complements.set(k, this.solve(members.filter((m) => m !== k)).throughputs);
    }
    const solution = this.recurse(members, complements);
    this.memo.set(key, solution);
    return solution;
  }

  private recurse(members: readonly number[], complements: ReadonlyMap<number, Float64Array>): Solution {
    const n = this.maxPopulation;
    const throughputs = new Float64Array(n + 1);
    const rows: MvaPopulationResult[] = [];
    const queueLengths = members.map(() => 0);
    // marginals[i][j] = p(j | n−1) for j = 0..c−1 at multi-server members; p(0 | 0) = 1.
    const marginals: Float64Array[] = members.map((k) => {
      const p = new Float64Array(this.specs[k]!.servers);
      p[0] = 1;
      return p;
    });
    for (let population = 1; population <= n; population++) {
      const residences = members.map((k, i) =>
        this.residence(this.specs[k]!, queueLengths[i]!, marginals[i]!),
      );
      const responseSeconds = residences.reduce((sum, r) => sum + r, 0);
      const cycleSeconds = this.thinkTimeSeconds + responseSeconds;
      const throughput = cycleSeconds > 0 ? population / cycleSeconds : Number.POSITIVE_INFINITY;
      throughputs[population] = throughput;
      const stationResults: MvaStationResult[] = [];
      members.forEach((k, i) => {
        const spec = this.specs[k]!;
        queueLengths[i] = throughput * residences[i]!;
        if (spec.servers > 1) {
          marginals[i] = nextMarginals(
            marginals[i]!,
            throughput * spec.demandSeconds,
            throughput / complements.get(k)![population]!,
          );
        }
        stationResults.push({
          name: spec.name,
          queueLength: queueLengths[i]!,
          utilisation: (throughput * spec.demandSeconds) / spec.servers,
          residenceSeconds: residences[i]!,
        });
      });
      rows.push({ population, throughputPerSecond: throughput, responseSeconds, stations: stationResults });
    }
    return { throughputs, rows };
  }

  private residence(spec: StationSpec, previousQueueLength: number, previousMarginals: Float64Array): number {
    if (spec.delay) return spec.demandSeconds;
    if (spec.servers === 1) return spec.demandSeconds * (1 + previousQueueLength);
    // With j < c−1 others present an arriving job finds idle servers; this term corrects for them.
    let idleCorrection = 0;
    for (let j = 0; j <= spec.servers - 2; j++)
      idleCorrection += (spec.servers - 1 - j) * previousMarginals[j]!;
    return (spec.demandSeconds / spec.servers) * (1 + previousQueueLength + idleCorrection);
  }
}

/** p(j|n) = X·D/j·p(j−1|n−1) for 1 ≤ j ≤ c−1 and p(0|n) = p(0|n−1)·X(n)/X_{−k}(n): products of positives only. */
function nextMarginals(previous: Float64Array, load: number, emptyRatio: number): Float64Array {
  const next = new Float64Array(previous.length);
  next[0] = previous[0]! * emptyRatio;
  for (let j = 1; j < previous.length; j++) next[j] = (load / j) * previous[j - 1]!;
  return next;
}
