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

/**
 * How saturated draws bear on a figure: a time figure grows without bound past the limit, a resource's
 * utilisation stops at 1 (its own saturation), any other figure is a number like the rest.
 */
export type Figure = "time" | "utilisation" | "other";

/** A figure's `prediction`: the interval of all draws, and what saturated draws do to it. */
export type MetricPrediction = Prediction & {
  /** Draws with a value for this figure in which it saturated (a utilisation: its resource; else any). */
  saturated_draws: number;
  /**
   * A saturated draw sets the interval's top, so `low`..`high` mixes an overloaded deployment with the
   * others (on a log or logit scale one such draw widens both ends): read `unsaturated` instead.
   */
  saturated_top: boolean;
  /**
   * A time figure whose top is set by saturated draws: `high` is no bound (the figure grows with the
   * test's length past the limit). `low` and `high` stay those of all draws.
   */
  unbounded: boolean;
  /** When `saturated_top`: the interval of the draws that did not saturate (null if fewer than two). */
  unsaturated: { low: number; high: number } | null;
};

export function isSaturatedDraw(draw: RunSummary): boolean {
  return draw.bottleneck.saturated.length > 0;
}

/** A summary metric's figure: one measured in time past a limit grows without bound. */
export function metricFigure(m: { unit: string }): Figure {
  return m.unit === "s" || m.unit === "ms" ? "time" : "other";
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

/**
 * A figure's prediction from the draws' values (`values[i]` from draw i, `saturated[i]` its state), with
 * what saturated draws do to it: the one definition `run` and `plan` share. `upper` bounds a share (1).
 */
export function drawsPrediction(
  values: readonly (number | null | undefined)[],
  saturated: readonly boolean[],
  figure: Figure,
  level: number,
  upper?: number,
): MetricPrediction | null {
  return withSaturation(predictionInterval(values, level, upper), values, saturated, figure, level, upper);
}

/** Adds the saturation fields to a figure's interval over all draws. */
export function withSaturation(
  interval: Prediction | null,
  values: readonly (number | null | undefined)[],
  saturated: readonly boolean[],
  figure: Figure,
  level: number,
  upper?: number,
): MetricPrediction | null {
  if (!interval) return null;
  const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);
  const hot = values.filter((v, i) => finite(v) && saturated[i]) as number[];
  const cool = values.filter((v, i) => finite(v) && !saturated[i]) as number[];
  // Saturated draws drive the interval when one of them sets its top.
  const top =
    figure !== "other" && hot.length > 0 && (cool.length === 0 || Math.max(...hot) > Math.max(...cool));
  const rest = top ? predictionInterval(cool, level, upper) : null;
  return {
    ...interval,
    saturated_draws: hot.length,
    saturated_top: top,
    unbounded: top && figure === "time",
    unsaturated: rest ? { low: rest.low, high: rest.high } : null,
  };
}

/** How a report shows a figure's prediction: a range, or what saturation makes of it. */
export function predictionText(
  p: Prediction | null | undefined,
  draws: number,
  fmt: (v: number) => string,
): string {
  if (!p) return "-";
  const m = p as Partial<MetricPrediction>;
  // Summaries written before `saturated_top` existed mark only an unbounded figure.
  if (!m.unbounded && !m.saturated_top) return `${fmt(p.low)} .. ${fmt(p.high)}`;
  const rest = m.unsaturated ? ` (others ${fmt(m.unsaturated.low)} .. ${fmt(m.unsaturated.high)})` : "";
  if (!m.unbounded) return `saturated in ${m.saturated_draws} of ${draws} draws${rest}`;
  return `saturates in ${m.saturated_draws} of ${draws} draws: unbounded past the limit${rest}`;
}
