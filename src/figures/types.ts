import type { MeasuredScope } from "../measured/sample.js";

/**
 * Where a figure's series come from. One figure can be read from several sources (recipes); the first
 * whose metrics the data holds is used and reported.
 */
export type SourceId = "cadvisor" | "process" | "coderd" | "cloudsql" | "selfhosted" | "rds";

/** A statistic over every point of every result series in a window. */
export type PointStat = "median" | "mean" | "max" | "min" | "quantile";

/**
 * How the PromQL answer becomes one number for a window:
 * - `points`: evaluate over the window at every scrape step and reduce all points of all result series
 *   together (e.g. the median of every pod's CPU points, pooled);
 * - `at_end`: evaluate once at the window's end with `$__range` = the window's length (e.g.
 *   `histogram_quantile` over `increase(...[$__range])`); the answer must be one series.
 */
export type Reduction = { kind: "points"; stat: PointStat; q?: number } | { kind: "at_end" };

/** One way to compute a figure from one source's metric names. */
export interface Recipe {
  source: SourceId;
  /** PromQL over the source's names; `$__rate_interval` and `$__range` are Grafana's variables. */
  promql: string;
  reduction: Reduction;
  /**
   * When the PromQL aggregates over pods (e.g. `avg(...)`), the per-pod expression inside it: its series
   * must each carry the figure's `per` label, or the figure is not attributed.
   */
  perSeries?: string;
}

/** One figure: the only definition of it, used for simulated and measured data alike. */
export interface FigureDefinition {
  /** Stable name (capsim's JSON output, measured figure files). */
  name: string;
  /** The unit of the value the recipes produce (the one its name carries). */
  unit: string;
  /** What one value stands for: one replica, one daemon, one agent, or the whole deployment. */
  scope: MeasuredScope;
  /** Stages it is reported for; null = the traffic window, reported as stage "all". */
  stages: readonly string[] | null;
  description: string;
  /** Alternatives tried in order; empty = computed by the simulator only (see `note`). */
  recipes: readonly Recipe[];
  /**
   * The label that tells result series apart when they stand for one replica or daemon each: a result
   * series without it cannot be attributed and the figure is listed, not guessed.
   */
  per?: string;
  /** Sources of the figure's kind that cannot give it, and why. */
  lacks?: readonly { source: SourceId; why: string }[];
  /** A Grafana panel legend whose column carries this figure's first recipe, already evaluated. */
  panel?: string;
  /** Why the figure has no recipe, or what to know about its reading. */
  note?: string;
  /** For a figure without a recipe: the key of the simulator's own figure (default: `name`). */
  simulatorFigure?: string;
}

/** One evaluated figure for one window (stable JSON shape). */
export interface FigureValue {
  name: string;
  /** The window's name: a stage, or "all" for the traffic window. */
  stage: string;
  unit: string;
  /** null when no recipe had data, or the window held no points. */
  value: number | null;
  source: SourceId | null;
  /** The PromQL evaluated, with Grafana's variables as written in the table. */
  promql: string | null;
  /** How many result series answered. */
  seriesCount: number;
  note: string;
  /** Per-pod figures: how many pods had points at once (median over the window's instants). */
  pods?: number;
}
