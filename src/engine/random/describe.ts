import { distributionFromSpec } from "./from-spec.js";
import { kindOf, significant } from "./registry.js";
import type { Distribution, DistributionSpec } from "./types.js";

export interface DescribeOptions {
  /** "seconds" (default) prints durations as µs/ms/s/min/h; "none" prints bare numbers. */
  unit?: "seconds" | "none";
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
  const kind = kindOf(spec.dist);
  const text = `${spec.dist}(${kind.describe(spec, t)}`;
  return kind.statesMean(spec, built.mean) ? `${text})` : `${text}; mean ${t(built.mean)})`;
}
