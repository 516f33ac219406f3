/** What a measured figure says: one value, or an interval the true value lies in. */
export type MeasuredValue = { value: number } | { range: [number, number] };

export type Verdict = "pass" | "fail" | "not_simulated";

/** Rounding slack so a figure exactly on the tolerance boundary passes. */
const BOUNDARY_SLACK = 1e-12;

/**
 * Signed relative error of the measurement against the simulated mean, (measured − mean) / |mean|.
 * For a range it is the distance from the mean to the nearest end of the range (0 inside), with the
 * sign of that end. Null when the mean is 0 and the measurement is not (no relative scale exists).
 */
export function relativeError(mean: number, measured: MeasuredValue): number | null {
  const gap = gapToMeasured(mean, measured);
  if (gap === 0) return 0;
  if (mean === 0) return null;
  return gap / Math.abs(mean);
}

/** Measured minus simulated: for a range, to its nearest end, 0 when the mean lies inside. */
export function gapToMeasured(mean: number, measured: MeasuredValue): number {
  if ("value" in measured) return measured.value - mean;
  const [lo, hi] = measured.range;
  if (mean < lo) return lo - mean;
  if (mean > hi) return hi - mean;
  return 0;
}

/**
 * The pass rule: a value passes when it lies within `tolerance` of the simulated mean; a range when
 * [lo, hi] overlaps [mean·(1−tol), mean·(1+tol)]. Both are |relativeError| ≤ tolerance.
 */
export function judge(
  mean: number,
  measured: MeasuredValue,
  tolerance: number,
): { error: number | null; verdict: "pass" | "fail" } {
  const error = relativeError(mean, measured);
  const pass = error !== null && Math.abs(error) <= tolerance + BOUNDARY_SLACK;
  return { error, verdict: pass ? "pass" : "fail" };
}

/** A measured figure as text: "3.7" or "6.7 .. 8.4". */
export function measuredText(measured: MeasuredValue, format: (v: number) => string): string {
  return "value" in measured
    ? format(measured.value)
    : `${format(measured.range[0])} .. ${format(measured.range[1])}`;
}
