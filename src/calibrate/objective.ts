import type { MeasuredValue } from "../compare/verdict.js";
import type { SummaryMetric } from "../run/runScenario.js";

/** A measured figure the fit aims at (one the starting model simulates). */
export interface FitTarget {
  metric: string;
  stage: string | null;
  measured: MeasuredValue;
}

/** Error charged for a figure the simulation stops producing during the search (1000 %). */
export const MISSING_FIGURE_ERROR = 10;

/**
 * Relative error of a simulated value against the measurement, (simulated − measured) / |measured|:
 * relative to the measurement, whose scale does not move during the fit. For a range, the distance to
 * the range over its nearest end (0 inside). A measured 0 has no scale: the absolute error is used.
 */
export function fitError(simulated: number, measured: MeasuredValue): number {
  let gap: number;
  let scale: number;
  if ("value" in measured) {
    gap = simulated - measured.value;
    scale = Math.abs(measured.value);
  } else {
    const [lo, hi] = measured.range;
    gap = simulated < lo ? simulated - lo : simulated > hi ? simulated - hi : 0;
    scale = Math.abs(simulated < lo ? lo : hi);
  }
  return scale === 0 ? gap : gap / scale;
}

/** Sum over targets of squared relative error; a figure without a simulated value costs MISSING_FIGURE_ERROR². */
export function fitObjective(metrics: readonly SummaryMetric[], targets: readonly FitTarget[]): number {
  let sum = 0;
  for (const t of targets) {
    const mean = metrics.find((m) => m.name === t.metric && m.stage === t.stage)?.mean;
    const e =
      mean === null || mean === undefined || !Number.isFinite(mean)
        ? MISSING_FIGURE_ERROR
        : fitError(mean, t.measured);
    sum += e * e;
  }
  return sum;
}
