import { performance } from "node:perf_hooks";
import type { LoadedPrices } from "../cost/loadPrices.js";
import { pricesFor } from "../cost/loadPrices.js";
import { type CostSummary, type RunUsage, runCost } from "../cost/runCost.js";
import { deriveSeed } from "../engine/random/index.js";
import { confidenceInterval } from "../engine/stats/confidence.js";
import type { ReplicationResult, ResourceRow } from "../model/coderModel.js";
import { featureMetricDefinitions } from "../model/featureMetrics.js";
import type { LoadedModel } from "../model/loadModel.js";
import { metricDefinitions } from "../model/summaryMetrics.js";
import type { LoadedScenario } from "../scenario/index.js";
import { selectOne } from "../series/select.js";
import type { Prediction, PredictionInfo } from "../uncertainty/prediction.js";
import type { PredictionOff } from "../uncertainty/predictionOff.js";
import { CAPSIM_VERSION } from "../version.js";
import { type DatabaseCpuSummary, databaseCpuSummary } from "./databaseCpuSummary.js";
import { type DataVolumeSummary, dataVolumeSummary } from "./dataVolumeSummary.js";
import { replicationTasks, type StartedReplications, startTasks } from "./parallel.js";
import { type BottleneckVerdict, bottleneckVerdict } from "./verdict.js";
import { type RunWarning, runWarnings } from "./warnings.js";

/** One figure of the summary (stable JSON shape, documented in docs/output.md). */
export interface SummaryMetric {
  name: string;
  stage: string | null;
  unit: string;
  mean: number | null;
  ci95: [number, number] | null;
  /** 90 % prediction interval over parameter uncertainty and one test's noise (src/uncertainty); run only. */
  prediction?: Prediction | null;
}

export interface SummaryResource {
  name: string;
  kind: string;
  servers: number;
  utilization: number;
  background_utilization: number;
  throughput_per_s: number;
  mean_service_s: number;
  mean_response_s: number;
  mean_in_system: number;
  /** Jobs still present at the window's end (Little: mean_in_system = throughput·response + this). */
  residual_in_system: number;
  /** Their work inside the window (utilisation law's remainder). */
  residual_utilization: number;
  /** 90 % prediction interval of `utilization` (src/uncertainty); run only. */
  utilization_prediction?: Prediction | null;
}

export interface RunSummary {
  capsim_version: string;
  scenario: { name: string; file: string; sha256: string };
  model: { name: string; file: string; sha256: string };
  coder_mechanisms: { metadata_path: string; agent_transport: string };
  seed: number;
  replications: number;
  simulated_seconds: number;
  wall_seconds: number;
  events: number;
  metrics: SummaryMetric[];
  resources: SummaryResource[];
  /** The bottleneck judged per traffic window and at the worst 5 minutes (src/run/verdict.ts). */
  bottleneck: BottleneckVerdict;
  stages: { name: string; start_s: number; end_s: number }[];
  /** What the deployment would cost per month at the simulated load (src/cost). */
  cost: CostSummary;
  /** The database's CPU by source per window (absent from summaries written before it existed). */
  database_cpu_by_source?: DatabaseCpuSummary;
  /** The stored agent stats and what the statements reading them cost (absent: the model has no `data_volume`). */
  data_volume?: DataVolumeSummary;
  /** What to know before trusting the figures: overruns, cut-off cleanup, misplaced events, caps, memory. */
  warnings: RunWarning[];
  /** What the prediction intervals rest on; null when off or the model has no `uncertainty:` (run only). */
  prediction?: PredictionInfo | null;
  /** Why there is no prediction although the model has uncertainty, and the command for one (run only). */
  prediction_off?: PredictionOff;
}

export interface RunOptions {
  /** Overrides the scenario's replications. */
  replications?: number;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Progress in [0, 1] over all replications. */
  onProgress?: (fraction: number) => void;
  /** The price table for the cost; default the scenario's (`prices:`, else `deployment.cloud`). */
  prices?: LoadedPrices;
  /** Worker threads for the replications; default the available cores (src/run/parallel.ts). */
  jobs?: number;
  /** The replications, already started by `startScenario` (a caller that runs ahead). */
  started?: StartedReplications;
}

export interface RunOutput {
  summary: RunSummary;
  /** The first replication (its time series go to timeseries.csv). */
  first: ReplicationResult;
  replicationResults: ReplicationResult[];
}

/** The seed of replication r: a stable function of the base seed only, so results never depend on order. */
export function replicationSeed(baseSeed: number, replication: number): number {
  return deriveSeed(baseSeed, "replication", replication);
}

/** Runs a scenario's replications and summarises them with Student-t 95% confidence intervals. */
export function runScenario(loaded: LoadedScenario, model: LoadedModel, opts: RunOptions = {}): RunOutput {
  const scenario = loaded.scenario;
  const replications = opts.replications ?? scenario.replications;
  const seed = opts.seed ?? scenario.seed;
  // Bad price input is refused before the simulation runs.
  const prices = opts.prices ?? pricesFor(scenario, loaded.file);
  const wallStart = performance.now();
  const started = opts.started ?? startScenario(loaded, model, { ...opts, replications, seed });
  const results: ReplicationResult[] = started.results(opts.onProgress);
  const first = results[0]!;
  const defs = [
    ...metricDefinitions(),
    // Figures of the data plane, workday, regions, rate limit and events: only when the scenario uses them.
    ...featureMetricDefinitions(scenario),
  ];
  const metrics: SummaryMetric[] = [];
  for (const def of defs) {
    if (def.stage !== null && !first.timeline.stage(def.stage)) continue;
    const values = results.map((rep) => def.compute(rep, rep.timeline.traffic));
    metrics.push({ name: def.name, stage: def.stage, unit: def.unit, ...meanAndCi(values) });
  }
  const resources = averageResources(results.map((r) => r.resources));
  const bottleneck = bottleneckVerdict(scenario, results);
  return {
    summary: {
      capsim_version: CAPSIM_VERSION,
      scenario: { name: scenario.name, file: loaded.file, sha256: loaded.sha256 },
      model: { name: model.model.name, file: model.file, sha256: model.sha256 },
      coder_mechanisms: {
        metadata_path: first.mechanisms.metadataPath,
        agent_transport: first.mechanisms.agentTransport,
      },
      seed,
      replications,
      simulated_seconds: first.simulatedSeconds,
      wall_seconds: (performance.now() - wallStart) / 1000,
      events: results.reduce((n, r) => n + r.events, 0),
      metrics,
      resources,
      bottleneck,
      stages: first.timeline.stages.map((s) => ({
        name: s.name,
        start_s: s.startSeconds,
        end_s: s.endSeconds,
      })),
      cost: runCost(scenario, model.model, results.map(usageOf), prices),
      database_cpu_by_source: databaseCpuSummary(results),
      data_volume: dataVolumeSummary(scenario, model.model, first.mechanisms),
      warnings: runWarnings(scenario, results, bottleneck),
    },
    first,
    replicationResults: results,
  };
}

/**
 * Hands a scenario's replications to the workers now; `runScenario(..., { started })` collects them.
 * `from`: start only replications from this index on (the earlier ones were started by another call);
 * `ahead`: run-ahead work of that rank (src/run/parallel.ts `startTasks`).
 */
export function startScenario(
  loaded: LoadedScenario,
  model: LoadedModel,
  opts: Pick<RunOptions, "replications" | "seed" | "jobs"> & { from?: number; ahead?: number } = {},
): StartedReplications {
  const seed = opts.seed ?? loaded.scenario.seed;
  const replications = opts.replications ?? loaded.scenario.replications;
  const tasks = replicationTasks(loaded.scenario, model.model, replications, (r) => replicationSeed(seed, r));
  return startTasks(tasks.slice(opts.from ?? 0), opts.jobs, opts.ahead);
}

/** What a replication used that the cost prices: running workspaces, and node-hours when nodes are modelled. */
function usageOf(rep: ReplicationResult): RunUsage {
  const agents = Array.from(selectOne(rep.metrics, "capsim_agents_connected")?.values ?? []).filter(
    Number.isFinite,
  );
  const nodeHours = rep.figures.node_hours;
  return {
    simulatedSeconds: rep.simulatedSeconds,
    meanRunningWorkspaces: agents.length ? agents.reduce((a, b) => a + b, 0) / agents.length : 0,
    ...(nodeHours !== undefined ? { nodeHours } : {}),
  };
}

/** A figure's mean over replications and its 95 % interval (docs/output.md). */
export function meanAndCi(values: number[]): { mean: number | null; ci95: [number, number] | null } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { mean: null, ci95: null };
  const ci = confidenceInterval(finite);
  // Every figure is a count, rate, time, size or share: the t-interval is cut at 0, its true mean's bound.
  return { mean: ci.mean, ci95: Number.isFinite(ci.halfWidth) ? [Math.max(0, ci.lo), ci.hi] : null };
}

/** Resource rows averaged over replications (the same resources appear in every replication). */
function averageResources(perReplication: ResourceRow[][]): SummaryResource[] {
  const first = perReplication[0] ?? [];
  const avg = (i: number, key: keyof ResourceRow): number => {
    const vals = perReplication.map((rows) => rows[i]![key] as number).filter((v) => Number.isFinite(v));
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0;
  };
  return first.map((row, i) => ({
    name: row.name,
    kind: row.kind,
    servers: row.servers,
    utilization: avg(i, "utilization"),
    background_utilization: avg(i, "background_utilization"),
    throughput_per_s: avg(i, "throughput_per_s"),
    mean_service_s: avg(i, "mean_service_s"),
    mean_response_s: avg(i, "mean_response_s"),
    mean_in_system: avg(i, "mean_in_system"),
    residual_in_system: avg(i, "residual_in_system"),
    residual_utilization: avg(i, "residual_utilization"),
  }));
}
