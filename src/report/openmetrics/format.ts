/** Text rendering rules of OpenMetrics 1.0 (the "Text format" section of the specification). */

/** Escapes a label value or HELP text: backslash, double quote and line feed. */
export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export type Labels = ReadonlyArray<readonly [string, string]>;

export function renderLabels(labels: Labels): string {
  return labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/**
 * A sample value: integers without a decimal point, other floats to 10 significant digits (rounding is
 * monotone, so counters stay non-decreasing, and the file stays a third smaller).
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

/** Seconds since the epoch with millisecond resolution, never in exponent form. */
export function formatTimestamp(epochSeconds: number): string {
  return String(Number(epochSeconds.toFixed(3)));
}

export { canonicalFloat } from "../../series/le.js";
