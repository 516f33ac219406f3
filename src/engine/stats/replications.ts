import { deriveSeed } from "../random/streams.js";
import { type ConfidenceInterval, confidenceInterval } from "./confidence.js";
import { mser5 } from "./mser.js";

/** The scalar results of one replication, by metric name (e.g. `{mean_wait_s: 0.74}`). */
export type ReplicationOutputs<K extends string = string> = Record<K, number>;

export interface ReplicationOptions<K extends string> {
  /** Independent runs R (≥ 2 for a confidence interval). */
  replications: number;
  /** Master seed; replication i runs with `replicationSeed(baseSeed, i)`. */
  baseSeed: number | string;
  /** Confidence level of the intervals. @default 0.95 */
  level?: number;
  /** Called after each replication, e.g. for a progress bar. */
  onReplication?: (index: number, outputs: ReplicationOutputs<K>) => void;
}

export interface ReplicationSummary<K extends string = string> {
  replications: number;
  level: number;
  /** Seed used by each replication. */
  seeds: number[];
  /** Per metric, one value per replication. */
  values: Record<K, number[]>;
  /** Per metric, the Student t interval over replications (NaN fields if a value is not finite). */
  intervals: Record<K, ConfidenceInterval>;
}

/** The seed of replication `index` under `baseSeed`: independent streams, stable across versions. */
export function replicationSeed(baseSeed: number | string, index: number): number {
  return deriveSeed(baseSeed, "replication", index);
}

/**
 * Runs `model` R times with derived seeds and summarises each scalar output with a Student t
 * confidence interval over the replications (independent replications, Law 2015 §9.4).
 */
export function runReplications<K extends string>(
  model: (seed: number, index: number) => ReplicationOutputs<K>,
  options: ReplicationOptions<K>,
): ReplicationSummary<K> {
  const r = options.replications;
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`replications must be an integer >= 1, got ${r}`);
  const seeds: number[] = [];
  const runs: ReplicationOutputs<K>[] = [];
  for (let i = 0; i < r; i++) {
    const seed = replicationSeed(options.baseSeed, i);
    seeds.push(seed);
    const outputs = model(seed, i);
    runs.push(outputs);
    options.onReplication?.(i, outputs);
  }
  return { ...summarizeReplications(runs, options.level), seeds };
}

/** CIs over replications that were run elsewhere (e.g. in worker processes); every run needs the same metrics. */
export function summarizeReplications<K extends string>(
  runs: readonly ReplicationOutputs<K>[],
  level = 0.95,
): Omit<ReplicationSummary<K>, "seeds"> {
  const first = runs[0];
  if (first === undefined) throw new RangeError("need at least one replication");
  const names = Object.keys(first) as K[];
  const values = {} as Record<K, number[]>;
  const intervals = {} as Record<K, ConfidenceInterval>;
  for (const name of names) {
    const column = runs.map((run, i) => {
      if (!(name in run)) throw new RangeError(`replication ${i} has no metric "${name}"`);
      return run[name];
    });
    values[name] = column;
    intervals[name] = column.every(Number.isFinite)
      ? confidenceInterval(column, level)
      : undefinedInterval(column, level);
  }
  return { replications: runs.length, level, values, intervals };
}

function undefinedInterval(values: readonly number[], level: number): ConfidenceInterval {
  const nan = Number.NaN;
  return { n: values.length, mean: nan, sd: nan, halfWidth: nan, lo: nan, hi: nan, relHalfWidth: nan, level };
}

/** A series with its warm-up removed. */
export interface Truncation {
  /** Leading observations dropped. */
  truncateObservations: number;
  /** The kept observations (a view of the input when it was a Float64Array). */
  kept: Float64Array;
  /** Mean of the kept observations; NaN if none are kept. */
  mean: number;
  /** MSER-5 only: the run looks too short to have reached steady state. */
  tooShort: boolean;
}

/** Fixed warm-up: drops the first `observations` values. */
export function fixedWarmup(series: ArrayLike<number>, observations: number): Truncation {
  if (!Number.isInteger(observations) || observations < 0) {
    throw new RangeError(`warm-up observations must be an integer >= 0, got ${observations}`);
  }
  return truncation(series, Math.min(observations, series.length), false);
}

/** Fixed warm-up on a sampled series: drops the samples taken before `warmupSeconds`. */
export function fixedWarmupByTime(
  times: ArrayLike<number>,
  series: ArrayLike<number>,
  warmupSeconds: number,
): Truncation {
  if (times.length !== series.length) throw new RangeError("times and series must have the same length");
  let first = 0;
  while (first < times.length && times[first]! < warmupSeconds) first++;
  return truncation(series, first, false);
}

/** MSER-5 warm-up: drops the prefix that minimises the marginal standard error (White 1997). */
export function mserWarmup(series: ArrayLike<number>): Truncation {
  const result = mser5(series);
  return truncation(series, result.truncateObservations, result.tooShort);
}

function truncation(series: ArrayLike<number>, drop: number, tooShort: boolean): Truncation {
  const all = series instanceof Float64Array ? series : Float64Array.from(series);
  const kept = all.subarray(drop);
  let sum = 0;
  for (let i = 0; i < kept.length; i++) sum += kept[i]!;
  return {
    truncateObservations: drop,
    kept,
    mean: kept.length > 0 ? sum / kept.length : Number.NaN,
    tooShort,
  };
}
