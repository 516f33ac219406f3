import { distributionFromSpec } from "./from-spec.js";
import type { Distribution, DistributionSpec } from "./types.js";

export interface DescribeOptions {
  /** "seconds" (default) prints durations as µs/ms/s/min/h; "none" prints bare numbers. */
  unit?: "seconds" | "none";
}

function significant(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** A duration in the unit that keeps it short: 0.004 → "4 ms", 90 → "90 s", 5400 → "1.5 h". */
export function formatSeconds(seconds: number): string {
  const size = Math.abs(seconds);
  if (size === 0 || !Number.isFinite(seconds)) return `${seconds} s`;
  if (size < 1e-3) return `${significant(seconds * 1e6)} µs`;
  if (size < 1) return `${significant(seconds * 1e3)} ms`;
  if (size < 120) return `${significant(seconds)} s`;
  if (size < 7200) return `${significant(seconds / 60)} min`;
  return `${significant(seconds / 3600)} h`;
}

function isDistribution(value: Distribution | DistributionSpec): value is Distribution {
  return "sample" in value;
}

/**
 * One short line for reports and `--explain`, e.g. "lognormal(median 4 ms, p95 30 ms; mean 7.3 ms)".
 * The true mean is appended when no parameter already states it.
 */
export function describeDistribution(
  distribution: Distribution | DistributionSpec | number,
  options: DescribeOptions = {},
): string {
  const t = options.unit === "none" ? significant : formatSeconds;
  if (typeof distribution === "number") return `deterministic(${t(distribution)})`;
  const built = isDistribution(distribution) ? distribution : distributionFromSpec(distribution);
  const spec = built.spec;
  let text: string;
  switch (spec.dist) {
    case "deterministic":
      return `deterministic(${t(spec.value)})`;
    case "exponential":
      return `exponential(mean ${t(spec.mean)})`;
    case "uniform":
      text = `uniform(${t(spec.min)} to ${t(spec.max)}`;
      break;
    case "normal":
      text = `normal(mean ${t(spec.mean)}, sd ${t(spec.sd)}, min ${t(spec.min)}`;
      if (spec.max !== undefined) text += `, max ${t(spec.max)}`;
      break;
    case "lognormal":
      if ("mu" in spec) text = `lognormal(mu ${significant(spec.mu)}, sigma ${significant(spec.sigma)}`;
      else if ("median" in spec) text = `lognormal(median ${t(spec.median)}, p95 ${t(spec.p95)}`;
      else text = `lognormal(mean ${t(spec.mean)}, cv ${significant(spec.cv)}`;
      break;
    case "gamma":
      text = `gamma(shape ${significant(spec.shape)}, scale ${t(spec.scale)}`;
      break;
    case "erlang":
      return `erlang(k ${spec.k}, mean ${t(spec.mean)})`;
    case "empirical":
      if ("samples" in spec) {
        const sorted = [...spec.samples].sort((a, b) => a - b);
        text = `empirical(${sorted.length} samples, ${t(sorted[0]!)} to ${t(sorted[sorted.length - 1]!)}`;
      } else {
        const observations = spec.buckets[spec.buckets.length - 1]!.count;
        text = `empirical(${spec.buckets.length} buckets, ${significant(observations)} observations`;
      }
      break;
  }
  const statesMean = "mean" in spec && Math.abs(spec.mean - built.mean) <= 1e-9 * Math.abs(built.mean);
  return statesMean ? `${text})` : `${text}; mean ${t(built.mean)})`;
}
