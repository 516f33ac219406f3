import type { RunSummary } from "../run/runScenario.js";
import { type Prediction, predictionInterval } from "./prediction.js";

/**
 * Draws that saturate a resource. Past a limit a queue grows for as long as the test runs, so a time
 * figure (a latency, a wait, a time to ready) of such a draw measures the test's length, not the
 * deployment: an interval over draws that include it has no meaningful upper end.
 */

/** The `prediction.saturated_draws` block of summary.json (docs/output.md). */
export interface SaturatedDraws {
  /** Draws in which some resource saturated (bottleneck.saturated not empty). */
  draws: number;
  of: number;
  /** Which resources saturated, in how many draws (coderd replicas as one). */
  resources: { resource: string; draws: number }[];
}

/** A metric's `prediction`: the interval of all draws, and what saturated draws do to it. */
export type MetricPrediction = Prediction & {
  /** Draws with a value for this metric in which some resource saturated. */
  saturated_draws: number;
  /**
   * A time figure whose top is set by saturated draws: `high` is no bound (the figure grows with the
   * test's length past the limit). `low` and `high` stay those of all draws.
   */
  unbounded: boolean;
  /** When unbounded: the interval of the draws that did not saturate (null if fewer than two). */
  unsaturated: { low: number; high: number } | null;
};

export function isSaturatedDraw(draw: RunSummary): boolean {
  return draw.bottleneck.saturated.length > 0;
}

/** A figure measured in time, which past a limit grows without bound. */
export function isTimeFigure(m: { unit: string }): boolean {
  return m.unit === "s" || m.unit === "ms";
}

export function saturatedDraws(
  draws: readonly RunSummary[],
  verdict: (resource: string) => string,
): SaturatedDraws {
  const counts = new Map<string, number>();
  for (const d of draws) {
    for (const r of new Set(d.bottleneck.saturated.map(verdict))) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return {
    draws: draws.filter(isSaturatedDraw).length,
    of: draws.length,
    resources: [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([resource, n]) => ({ resource, draws: n })),
  };
}

/** Adds the saturation fields to a metric's interval (`values[i]` from draw i, `saturated[i]` its state). */
export function withSaturation(
  interval: Prediction | null,
  values: readonly (number | null | undefined)[],
  saturated: readonly boolean[],
  timeFigure: boolean,
  level: number,
): MetricPrediction | null {
  if (!interval) return null;
  const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);
  const hot = values.filter((v, i) => finite(v) && saturated[i]) as number[];
  const cool = values.filter((v, i) => finite(v) && !saturated[i]) as number[];
  // Saturated draws drive the interval when one of them sets its top.
  const unbounded =
    timeFigure && hot.length > 0 && (cool.length === 0 || Math.max(...hot) > Math.max(...cool));
  const rest = unbounded ? predictionInterval(cool, level) : null;
  return {
    ...interval,
    saturated_draws: hot.length,
    unbounded,
    unsaturated: rest ? { low: rest.low, high: rest.high } : null,
  };
}

/** How a report shows a metric's prediction: a range, or what saturation makes of it. */
export function predictionText(
  p: Prediction | null | undefined,
  draws: number,
  fmt: (v: number) => string,
): string {
  if (!p) return "-";
  const m = p as Partial<MetricPrediction>;
  if (!m.unbounded) return `${fmt(p.low)} .. ${fmt(p.high)}`;
  const rest = m.unsaturated ? ` (others ${fmt(m.unsaturated.low)} .. ${fmt(m.unsaturated.high)})` : "";
  return `saturates in ${m.saturated_draws} of ${draws} draws: unbounded past the limit${rest}`;
}
