import { sortedQuantile } from "../engine/stats/sampler.js";
import { evaluateRange, metricNamesOf, parsePromQL, vectorSelectors, withMatchers } from "../promql/index.js";
import type { Labels, SeriesSet, Window } from "../series/types.js";
import { type Answer, answerFor, answerInWindow } from "./answers.js";
import { SOURCES } from "./sources.js";
import { FIGURES } from "./table.js";
import type { FigureDefinition, FigureValue, Recipe, Reduction } from "./types.js";
import { ALL, scrapeInterval, windowInstants } from "./windows.js";

export interface EvaluateOptions {
  /** Seconds between evaluation instants; default the data's scrape interval. */
  stepSeconds?: number;
  /** How far back an instant selector looks for a sample; default PromQL's 300 s. */
  lookbackSeconds?: number;
  /** A selector whose matchers are added to every vector selector, e.g. `{namespace="coder"}`. */
  selector?: string;
  /** Instead of `selector` for the database's recipes (its exporters rarely carry the deployment's labels). */
  dbSelector?: string;
  /** Query results read from files, used for the recipe whose PromQL they answer. */
  answers?: readonly Answer[];
  /** The figures to evaluate; default the whole table. */
  figures?: readonly FigureDefinition[];
  /** Evaluates the recipes elsewhere than over `data` (a Prometheus server's answers). */
  evaluator?: FigureEvaluator;
}

/** Where recipes are evaluated instead of `data`: what it holds, how often it scrapes, its answers. */
export interface FigureEvaluator {
  metricNames: ReadonlySet<string>;
  scrapeSeconds: number;
  /** A recipe's own scrape interval, when its metrics are scraped at another pace than `scrapeSeconds`. */
  scrapeSecondsOf?(recipe: Recipe): number;
  /** The answer to `expr` at the instants of `range` (one instant when start = end). */
  results(expr: string, range: { start: number; end: number; step: number }): readonly Result[];
}

/** One result series of an evaluation: what a Prometheus server would return. */
export interface Result {
  labels: Labels;
  values: ArrayLike<number>;
  /** Unix seconds of each value, when known (evaluated ranges; not saved answers). */
  times?: ArrayLike<number>;
}

const DEFAULT_LOOKBACK_SECONDS = 300;
/** Prometheus' default scrape interval, for data too sparse to show its own. */
const DEFAULT_SCRAPE_SECONDS = 15;

/**
 * Evaluates every figure of the table over every window it is reported for, from any SeriesSet:
 * simulated, read from files, or fetched from a server. Each figure tries its recipes in order and the
 * first whose metric names the data holds is evaluated and reported; a figure no recipe can answer is
 * still returned, with value null and a note saying what it needs.
 */
export function evaluateFigures(
  data: SeriesSet,
  windows: readonly Window[],
  opts: EvaluateOptions = {},
): FigureValue[] {
  const present = opts.evaluator?.metricNames ?? metricNamesIn(data);
  const scrape = opts.evaluator?.scrapeSeconds ?? scrapeInterval(data) ?? DEFAULT_SCRAPE_SECONDS;
  const step = opts.stepSeconds ?? scrape;
  const out: FigureValue[] = [];
  for (const figure of opts.figures ?? FIGURES) {
    for (const window of windowsOf(figure, windows)) {
      out.push(evaluateFigure(figure, window, { data, present, step, scrape, opts }));
    }
  }
  return out;
}

interface Context {
  data: SeriesSet;
  present: ReadonlySet<string>;
  step: number;
  scrape: number;
  opts: EvaluateOptions;
}

function windowsOf(figure: FigureDefinition, windows: readonly Window[]): Window[] {
  const names = figure.stages ?? [ALL];
  return windows.filter((w) => names.includes(w.name));
}

function evaluateFigure(figure: FigureDefinition, window: Window, ctx: Context): FigureValue {
  const base = { name: figure.name, stage: window.name, unit: figure.unit };
  const none = (note: string): FigureValue => ({
    ...base,
    value: null,
    source: null,
    promql: null,
    seriesCount: 0,
    note,
  });
  if (figure.recipes.length === 0) return none(figure.note ?? "no recipe");
  for (const recipe of figure.recipes) {
    const answer = ctx.opts.answers && answerFor(ctx.opts.answers, recipe.promql, figure.panel);
    if (answer) {
      const results = answerInWindow(answer, recipe.reduction, window);
      // An answer to an aggregate over pods is taken as it is: its per-pod series were not saved.
      const perSeries = recipe.perSeries === undefined ? results : [];
      return reduce(figure, recipe, window, results, ctx, `answer saved for ${answer.query}`, perSeries);
    }
    const names = metricNamesOf(recipe.promql);
    if (names.length > 0 && names.every((n) => ctx.present.has(n))) {
      const results = run(recipe.promql, recipe, window, ctx);
      const perSeries = recipe.perSeries === undefined ? results : run(recipe.perSeries, recipe, window, ctx);
      return reduce(figure, recipe, window, results, ctx, "", perSeries);
    }
  }
  const needs = figure.recipes.map((r) => `${r.source}: ${metricNamesOf(r.promql).join(" + ")}`);
  return none(`no series for any recipe (needs ${needs.join("; or ")})`);
}

/** Evaluates a recipe's PromQL (or its per-series part) over the window, with Grafana's variables set. */
function run(promql: string, recipe: Recipe, window: Window, ctx: Context): readonly Result[] {
  const scrape = ctx.opts.evaluator?.scrapeSecondsOf?.(recipe) ?? ctx.scrape;
  const expr = promqlFor(
    { ...recipe, promql },
    window,
    { step: ctx.step, scrape },
    selectorFor(recipe, ctx.opts),
  );
  const range =
    recipe.reduction.kind === "at_end"
      ? { start: window.end, end: window.end, step: ctx.step }
      : windowInstants(window, ctx.step);
  if (ctx.opts.evaluator) return ctx.opts.evaluator.results(expr, range);
  return evaluateRange(expr, ctx.data, range, {
    lookbackSeconds: ctx.opts.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS,
  });
}

/** The selector whose matchers a recipe's PromQL gets: the database's own for its sources, when given. */
export function selectorFor(
  recipe: Recipe,
  opts: { selector?: string; dbSelector?: string },
): string | undefined {
  return SOURCES[recipe.source].database && opts.dbSelector !== undefined ? opts.dbSelector : opts.selector;
}

/**
 * The recipe's PromQL as sent to an evaluator or a server: `$__range` = the window's length (at_end),
 * `$__rate_interval` = Grafana's max(4 × scrape interval, step + scrape interval), selector matchers added.
 */
export function promqlFor(
  recipe: Recipe,
  window: Window,
  seconds: { step: number; scrape: number },
  selector?: string,
): string {
  const rangeSeconds = Math.max(window.end - window.start, seconds.step);
  const rateInterval = Math.max(4 * seconds.scrape, seconds.step + seconds.scrape);
  const expr = recipe.promql
    .replaceAll("$__rate_interval", duration(rateInterval))
    .replaceAll("$__range", duration(rangeSeconds));
  return selector ? withMatchers(expr, selector) : expr;
}

/** A PromQL duration: whole seconds, else milliseconds. */
export function duration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

function reduce(
  figure: FigureDefinition,
  recipe: Recipe,
  window: Window,
  results: readonly Result[],
  ctx: Context,
  from: string,
  perSeries: readonly Result[] = results,
): FigureValue {
  const row = (value: number | null, note: string): FigureValue => ({
    name: figure.name,
    stage: window.name,
    unit: figure.unit,
    value,
    source: recipe.source,
    promql: recipe.promql,
    seriesCount: results.length,
    note: [from, note].filter((s) => s !== "").join("; "),
  });
  if (figure.per !== undefined) {
    const anonymous = perSeries.filter((r) => !r.labels[figure.per!]).length;
    if (anonymous > 0) {
      return row(
        null,
        `${anonymous} of ${perSeries.length} series have no ${figure.per} label: cannot tell one ${figure.per} from another, so not guessed (give each target its ${figure.per} label)`,
      );
    }
  }
  const value = reduceResults(recipe.reduction, results);
  if (value === undefined) return row(null, reductionProblem(recipe, results, ctx, window));
  const pods = figure.per !== undefined ? seriesAtOnce(perSeries) : undefined;
  return { ...row(value.value, value.note), ...(pods !== undefined ? { pods } : {}) };
}

/**
 * How many series had a point at once: the median over the instants that have any. A replaced pod's
 * series overlap the new one's for a few instants only, so restarts do not count as replicas.
 */
function seriesAtOnce(results: readonly Result[]): number | undefined {
  const counts = new Map<number, number>();
  for (const r of results) {
    if (r.times === undefined) return undefined;
    for (let i = 0; i < r.values.length; i++)
      if (!Number.isNaN(r.values[i]!)) counts.set(r.times[i]!, (counts.get(r.times[i]!) ?? 0) + 1);
  }
  if (counts.size === 0) return undefined;
  return sortedQuantile(
    [...counts.values()].sort((a, b) => a - b),
    0.5,
  );
}

function reductionProblem(recipe: Recipe, results: readonly Result[], ctx: Context, window: Window): string {
  if (recipe.reduction.kind === "at_end" && results.length > 1)
    return `${results.length} series answered where one was expected`;
  const where = `${window.name} (${window.start}..${window.end}, step ${ctx.step} s)`;
  const labelled = labelledSelectors(recipe.promql);
  // The metric exists (the recipe was chosen by its name): its labels are the likely miss.
  if (results.length === 0 && labelled.length > 0)
    return `no series in ${where}: none of ${labelled.join(", ")} there; do the series carry these labels (docs/metrics.md, Sources)?`;
  return `no points in ${where}`;
}

/** The recipe's selectors that match labels besides the name, as written (`x{job="node"}`). */
function labelledSelectors(promql: string): string[] {
  const texts = vectorSelectors(parsePromQL(promql.replace(/\$__\w+/g, "1m"))).flatMap((s) => {
    const name = s.matchers.find((m) => m.name === "__name__")?.value ?? "";
    const labels = s.matchers.filter((m) => m.name !== "__name__");
    return labels.length === 0
      ? []
      : [`${name}{${labels.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(",")}}`];
  });
  return [...new Set(texts)];
}

/** A window's answer reduced to one number, or undefined when there is nothing to reduce. */
export function reduceResults(
  reduction: Reduction,
  results: readonly Result[],
): { value: number; note: string } | undefined {
  if (reduction.kind === "at_end") {
    if (results.length !== 1) return undefined;
    const values = results[0]!.values;
    const v = values[values.length - 1];
    return v !== undefined && !Number.isNaN(v) ? { value: v, note: "" } : undefined;
  }
  const pooled: number[] = [];
  for (const r of results) {
    for (let i = 0; i < r.values.length; i++) {
      const v = r.values[i]!;
      if (!Number.isNaN(v)) pooled.push(v);
    }
  }
  if (pooled.length === 0) return undefined;
  pooled.sort((a, b) => a - b);
  const q = { median: 0.5, min: 0, max: 1, mean: Number.NaN, quantile: reduction.q ?? Number.NaN }[
    reduction.stat
  ];
  const value =
    reduction.stat === "mean" ? pooled.reduce((s, v) => s + v, 0) / pooled.length : sortedQuantile(pooled, q);
  const what = reduction.stat === "quantile" ? `p${(reduction.q ?? 0) * 100}` : reduction.stat;
  const per = results.length === 1 ? "1 series" : `${results.length} series`;
  return { value, note: `${what} of ${pooled.length} points of ${per}` };
}

function metricNamesIn(data: SeriesSet): Set<string> {
  const names = new Set<string>();
  for (const s of data.series)
    if (s.labels.__name__ !== undefined && s.values.length > 0) names.add(s.labels.__name__);
  return names;
}
