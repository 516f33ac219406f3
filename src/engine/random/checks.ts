import { normalCdf } from "./normal.js";
import type { HistogramBucket } from "./types.js";

/**
 * Parameter rules shared by the constructors (which throw RangeError) and the spec schema (which turns
 * each problem into a zod issue at the user's key), so both always agree.
 */

export type ParamPath = readonly (string | number)[];

export interface ParamReport {
  /** The parameter at `path` (canonical name first, e.g. `["buckets", 2, "count"]`) is wrong. */
  problem(path: ParamPath, message: string): void;
  /** How the user wrote a parameter (`p95_ms`), for messages that mention a second key. */
  key(param: string): string;
}

/** Below this probability a truncation window is numerically empty (Φ underflows past ~37 sd). */
export const MIN_TRUNCATED_MASS = 1e-300;

function finite(value: number, name: string, report: ParamReport): boolean {
  if (Number.isFinite(value)) return true;
  report.problem([name], "must be a finite number");
  return false;
}

function positive(value: number, name: string, report: ParamReport): boolean {
  if (Number.isFinite(value) && value > 0) return true;
  report.problem([name], "must be a finite number > 0");
  return false;
}

export function checkDeterministic(value: number, report: ParamReport): void {
  finite(value, "value", report);
}

export function checkExponential(mean: number, report: ParamReport): void {
  positive(mean, "mean", report);
}

export function checkUniform(min: number, max: number, report: ParamReport): void {
  if (finite(min, "min", report) && finite(max, "max", report) && !(min < max)) {
    report.problem(["max"], `must be greater than ${report.key("min")}`);
  }
}

/** Probability that N(mean, sd²) lands in [min, max], computed in whichever tail keeps it precise. */
export function normalMassBetween(mean: number, sd: number, min: number, max: number): number {
  const a = (min - mean) / sd;
  const b = (max - mean) / sd;
  return a > 0 ? normalCdf(-a) - normalCdf(-b) : normalCdf(b) - normalCdf(a);
}

export function checkTruncatedNormal(
  mean: number,
  sd: number,
  min: number,
  max: number,
  report: ParamReport,
): void {
  let ok = finite(mean, "mean", report);
  ok = positive(sd, "sd", report) && ok;
  if (Number.isNaN(min) || min === Number.POSITIVE_INFINITY) {
    report.problem(["min"], "must be a number below +∞");
    ok = false;
  }
  if (Number.isNaN(max) || max === Number.NEGATIVE_INFINITY) {
    report.problem(["max"], "must be a number above −∞");
    ok = false;
  }
  if (!ok) return;
  if (!(min < max)) {
    report.problem(["max"], `must be greater than ${report.key("min")}`);
  } else if (!(normalMassBetween(mean, sd, min, max) >= MIN_TRUNCATED_MASS)) {
    const far = min > mean ? "min" : "max";
    report.problem(
      [far],
      `puts the range more than 37 sd from ${report.key("mean")}: it holds no probability`,
    );
  }
}

export function checkLognormal(mu: number, sigma: number, report: ParamReport): void {
  const ok = finite(mu, "mu", report);
  if (positive(sigma, "sigma", report) && ok && !Number.isFinite(Math.exp(mu + (sigma * sigma) / 2))) {
    report.problem(["sigma"], "is too large: the mean overflows");
  }
}

/** z such that Φ(z) = 0.95: a lognormal's p95 is median · e^(σ·Z_95). */
export const Z_95 = 1.6448536269514722;

export function checkLognormalMedianP95(median: number, p95: number, report: ParamReport): void {
  if (!(positive(median, "median", report) && positive(p95, "p95", report))) return;
  if (!(p95 > median)) {
    report.problem(["p95"], `must be greater than ${report.key("median")}`);
    return;
  }
  const sigma = Math.log(p95 / median) / Z_95;
  if (!Number.isFinite(median * Math.exp((sigma * sigma) / 2))) {
    report.problem(["p95"], `is too far above ${report.key("median")}: the mean overflows`);
  }
}

export function checkLognormalMeanCv(mean: number, cv: number, report: ParamReport): void {
  positive(mean, "mean", report);
  positive(cv, "cv", report);
}

export function checkGamma(shape: number, scale: number, report: ParamReport): void {
  positive(shape, "shape", report);
  positive(scale, "scale", report);
}

export function checkErlang(k: number, mean: number, report: ParamReport): void {
  if (!(Number.isInteger(k) && k >= 1)) report.problem(["k"], "must be a whole number ≥ 1");
  positive(mean, "mean", report);
}

export function checkEmpiricalSamples(samples: readonly number[], report: ParamReport): void {
  if (samples.length === 0) report.problem(["samples"], "must hold at least one sample");
  samples.forEach((sample, i) => {
    if (!Number.isFinite(sample)) report.problem(["samples", i], "must be a finite number");
  });
}

/** Buckets are cumulative, as Prometheus exposes them: each count includes every smaller bucket. */
export function checkEmpiricalHistogram(
  buckets: readonly HistogramBucket[],
  min: number,
  report: ParamReport,
): void {
  finite(min, "min", report);
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  if (first === undefined || last === undefined) {
    report.problem(["buckets"], "must hold at least one bucket");
    return;
  }
  let previous: HistogramBucket | undefined;
  buckets.forEach((bucket, i) => {
    if (Number.isNaN(bucket.le) || bucket.le === Number.NEGATIVE_INFINITY) {
      report.problem(["buckets", i, "le"], "must be a number or +Inf");
    } else if (bucket.le === Number.POSITIVE_INFINITY && i === 0) {
      report.problem(["buckets", i, "le"], "+Inf needs at least one finite bucket before it");
    } else if (bucket.le === Number.POSITIVE_INFINITY && bucket !== last) {
      report.problem(["buckets", i, "le"], "+Inf may only be the last bucket");
    } else if (previous !== undefined && !(bucket.le > previous.le)) {
      report.problem(["buckets", i, "le"], "bucket bounds must increase strictly");
    }
    if (!(Number.isFinite(bucket.count) && bucket.count >= 0)) {
      report.problem(["buckets", i, "count"], "must be a finite number ≥ 0");
    } else if (previous !== undefined && bucket.count < previous.count) {
      report.problem(
        ["buckets", i, "count"],
        "must not be below the previous bucket's count: counts are cumulative (observations ≤ le), as in Prometheus",
      );
    }
    previous = bucket;
  });
  if (Number.isFinite(min) && first.le < min) {
    report.problem(["min"], `must not exceed the first bucket bound (${first.le})`);
  }
  if (Number.isFinite(last.count) && !(last.count > 0)) {
    report.problem(["buckets"], "must count at least one observation");
  }
}

/** Runs `check` for a constructor and throws one RangeError listing every problem. */
export function assertParams(constructorName: string, check: (report: ParamReport) => void): void {
  const problems: string[] = [];
  check({
    problem: (path, message) => problems.push(`${path.join(".")} ${message}`),
    key: (param) => param,
  });
  if (problems.length > 0) throw new RangeError(`${constructorName}: ${problems.join("; ")}`);
}
