import { type MvaStation, mvaExact } from "../analytic/mva.js";
import type { RunSummary, SummaryResource } from "../run/runScenario.js";
import type { PointOutcome } from "../sweep/evaluate.js";
import { judgedUtilization } from "./checks.js";
import { CODERD_CPU, DB_CPU } from "./demand.js";
import type { Deployment } from "./deployment.js";
import type { ResolvedSlo } from "./slo.js";

/**
 * The model's own theory as a screen. One simulated run gives each CPU's service demand per coderd
 * request (service demand law D_k = U_k·c_k / X over the run's resources[]) and, by the interactive
 * response time law, the think time that makes the request sources a closed network (Z = N/X − R).
 * The asymptotic bounds (U_k = X·D_k/c_k ≤ cap) and mean-value analysis (mean response R at the same
 * population) then predict a deployment or a load without simulating it. The screen only removes what
 * it predicts fails by a margin; verdicts come from simulation.
 */

/** A prediction over the cap by more than this is removed (the law's error on this model is a few %). */
export const BOUNDS_SLACK = 0.1;
/** A latency prediction over its SLO by more than this fraction is removed. */
export const MVA_SLACK = 0.25;
/** Runs whose measurements anchor the MVA step (more cost time and rarely change a verdict). */
const MVA_ANCHORS = 2;
/** MVA runs at most this population (sources and think time scaled together: the load stays the same). */
const MAX_MVA_POPULATION = 500;

/** A CPU station no deployment size changes (a lock): its demand per request and its servers. */
interface FixedStation {
  name: string;
  demandSeconds: number;
  servers: number;
}

/** A latency SLO's measured value in a run, and the MVA mean response that run's deployment gives. */
interface MeasuredLatency {
  label: string;
  value: number;
  threshold: number;
  /** Seconds per metric unit (1e-3 for ms). */
  secondsPerUnit: number;
}

/** What one simulated run tells the screen. */
export interface MeasuredLoad {
  deployment: Deployment;
  /** Request sources (users + workspaces) of the closed network. */
  population: number;
  /** Coderd requests per second (system throughput X). */
  throughputPerSecond: number;
  thinkSeconds: number;
  /** CPU seconds per coderd request, all replicas / the database (busy vCPU over X). */
  coderdDemandSeconds: number;
  dbDemandSeconds: number;
  fixed: FixedStation[];
  /**
   * The checks judge each CPU in its busiest window (src/plan/checks.ts): that window's utilisation over the
   * run's mean, for the busiest coderd replica against the replicas' mean, and for the database (>= 1).
   */
  coderdPeak: number;
  dbPeak: number;
  latencies: MeasuredLatency[];
  /** MVA's mean response for the measured deployment (predictions are shifts from the measurement). */
  modelledResponseSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = { ms: 1e-3, s: 1 };

/** The latency SLOs a queueing prediction speaks to: an upper bound on a time. */
function latencySlos(slos: readonly ResolvedSlo[], outcome: PointOutcome) {
  return slos.flatMap((slo) => {
    const m = outcome.summary.metrics.find((x) => x.name === slo.name && x.stage === slo.stage);
    const secondsPerUnit = m ? UNIT_SECONDS[m.unit] : undefined;
    if (!m || m.mean === null || secondsPerUnit === undefined || !(slo.op === "<=" || slo.op === "<"))
      return [];
    return [{ label: slo.label, value: m.mean, threshold: slo.threshold, secondsPerUnit }];
  });
}

const busy = (r: SummaryResource) => r.utilization * r.servers;

/** Demands, think time and latencies of a run; null when it carried no coderd requests. */
export function measureLoad(
  outcome: PointOutcome,
  deployment: Deployment,
  population: number,
  slos: readonly ResolvedSlo[],
): MeasuredLoad | null {
  const resources = outcome.summary.resources;
  const coderd = resources.filter((r) => CODERD_CPU.test(r.name));
  const db = resources.find((r) => r.name === DB_CPU);
  const throughput = coderd.reduce((x, r) => x + r.throughput_per_s, 0);
  if (!(throughput > 0) || !db) return null;
  const locks = resources.filter((r) => r.kind === "lock" && r.throughput_per_s > 0);
  const inSystem = [...coderd, db, ...locks].reduce((n, r) => n + r.mean_in_system, 0);
  const load = {
    deployment,
    population,
    throughputPerSecond: throughput,
    // Little's law over the modelled stations gives R; the rest of each source's cycle is think time.
    thinkSeconds: Math.max(0, population / throughput - inSystem / throughput),
    coderdDemandSeconds: coderd.reduce((s, r) => s + busy(r), 0) / throughput,
    dbDemandSeconds: busy(db) / throughput,
    fixed: locks.map((r) => ({ name: r.name, demandSeconds: busy(r) / throughput, servers: r.servers })),
    coderdPeak: peakFactor(outcome.summary, coderd),
    dbPeak: peakFactor(outcome.summary, [db]),
    latencies: latencySlos(slos, outcome),
    modelledResponseSeconds: 0,
  };
  load.modelledResponseSeconds = meanValue(load, deployment, 1).responseSeconds;
  return load;
}

/** The busiest of `rows` in its busiest window, over their mean utilisation: how far a check sits above the mean. */
function peakFactor(summary: RunSummary, rows: readonly SummaryResource[]): number {
  const mean = rows.reduce((u, r) => u + r.utilization, 0) / rows.length;
  const judged = Math.max(...rows.map((r) => judgedUtilization(summary, r.name)?.value ?? r.utilization));
  return mean > 0 && Number.isFinite(judged) ? Math.max(1, judged / mean) : 1;
}

/**
 * Asymptotic bound on utilisation as the checks judge it: the offered load's X times demand over servers,
 * raised by the measured run's peak factor (the busiest window and replica over the mean).
 */
export function boundUtilisation(
  load: MeasuredLoad,
  d: Deployment,
  scale = 1,
): { coderd: number; db: number } {
  const x = load.throughputPerSecond * scale;
  return {
    coderd: ((x * load.coderdDemandSeconds) / (d.coderdReplicas * d.coderdVcpu)) * (load.coderdPeak ?? 1),
    db: ((x * load.dbDemandSeconds) / d.dbVcpu) * (load.dbPeak ?? 1),
  };
}

/**
 * Exact MVA of the closed network at `scale` times the measured sources: coderd as one station of
 * replicas × vCPU servers (even balancing), the database, the locks; think time as measured.
 */
function meanValue(load: MeasuredLoad, d: Deployment, scale: number) {
  const sources = load.population * scale;
  const population = Math.max(1, Math.round(Math.min(sources, MAX_MVA_POPULATION)));
  // Fewer sources with proportionally less think time offer the same request rate.
  const think = load.thinkSeconds * (population / sources);
  const stations: MvaStation[] = [
    {
      kind: "queueing",
      name: "coderd",
      demandSeconds: load.coderdDemandSeconds,
      servers: d.coderdReplicas * d.coderdVcpu,
    },
    { kind: "queueing", name: "database", demandSeconds: load.dbDemandSeconds, servers: d.dbVcpu },
    ...load.fixed.map(
      (f): MvaStation => ({
        kind: "queueing",
        name: f.name,
        demandSeconds: f.demandSeconds,
        servers: f.servers,
      }),
    ),
  ];
  return mvaExact(stations, population, think).at(-1)!;
}

/** MVA's mean response, memoised: candidates with the same pooled server counts share it. */
const responses = new WeakMap<MeasuredLoad, Map<string, number>>();
function modelledResponse(load: MeasuredLoad, d: Deployment, scale: number): number {
  const byServers = responses.get(load) ?? new Map<string, number>();
  responses.set(load, byServers);
  const key = `${d.coderdReplicas * d.coderdVcpu} ${d.dbVcpu} ${scale}`;
  const r = byServers.get(key) ?? meanValue(load, d, scale).responseSeconds;
  byServers.set(key, r);
  return r;
}

export type ScreenVerdict = { keep: true } | { keep: false; step: "bounds" | "mva"; why: string };

/**
 * Screens a deployment (scale 1) or a load (scale = users / measured users) against the utilisation cap
 * (asymptotic bounds) and the latency SLOs (MVA's change in mean response added to each measured value:
 * tails grow faster than means, so this under-predicts and the screen errs towards simulating).
 */
export function screen(
  loads: readonly MeasuredLoad[],
  d: Deployment,
  cap: number,
  scale = 1,
  /** False while only one run can anchor a latency prediction: one anchor alone removes nothing. */
  mva = true,
): ScreenVerdict {
  for (const load of loads) {
    const u = boundUtilisation(load, d, scale);
    const worst = u.coderd >= u.db ? { name: "coderd CPU", u: u.coderd } : { name: "database CPU", u: u.db };
    if (worst.u > cap + BOUNDS_SLACK) {
      return {
        keep: false,
        step: "bounds",
        why: `${worst.name} utilisation ≥ ${worst.u.toFixed(2)} > ${cap}`,
      };
    }
  }
  if (!mva) return { keep: true };
  // The first two runs (the measuring ones) anchor predictions; remove only when every anchor predicts a miss.
  const anchored = loads.filter((l) => l.latencies.length > 0).slice(0, MVA_ANCHORS);
  let miss: string | null = null;
  for (const load of anchored) {
    const shift = modelledResponse(load, d, scale) - load.modelledResponseSeconds;
    const over = load.latencies.find(
      (l) => l.value + shift / l.secondsPerUnit > l.threshold * (1 + MVA_SLACK),
    );
    if (!over) return { keep: true };
    miss ??= `${over.label} ≈ ${(over.value + shift / over.secondsPerUnit).toPrecision(3)} > ${over.threshold}`;
  }
  if (miss) return { keep: false, step: "mva", why: miss };
  return { keep: true };
}
