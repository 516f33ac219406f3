/**
 * The one PromQL evaluator: every node is evaluated over all steps of the query at once (a value per
 * step), which gives the same answer as Prometheus' step-by-step evaluation with far fewer allocations.
 */
import type { Labels, SeriesSet } from "../series/types.js";
import { aggregate } from "./aggregate.js";
import type { MatrixSelector, PromExpr, VectorSelector } from "./ast.js";
import { typeOf } from "./ast.js";
import { binary } from "./binary.js";
import { PromQLError } from "./errors.js";
import { callFunction } from "./functions.js";
import { compareKeys, dropName, labelsKey } from "./labels.js";
import { parsePromQL } from "./parse.js";
import { type Store, type StoredSeries, select, storeOf } from "./store.js";
import { collect, newSeries, type StepSeries, type Value } from "./vector.js";

/** One result series: only the steps that have a value. */
export interface MatrixSeries {
  labels: Labels;
  times: number[];
  values: number[];
}

/** A query result; a scalar result is one series with empty labels. */
export type Matrix = MatrixSeries[];

export interface EvalOptions {
  /** How far back an instant selector looks for a sample (Prometheus' --query.lookback-delta); default 300. */
  lookbackSeconds?: number;
  /** Grafana variables in seconds ($__range, $__interval, $__rate_interval, ...). */
  vars?: Record<string, number>;
  /**
   * Which Prometheus to agree with, default 2 (2.42, Debian bookworm). Prometheus 3 selects ranges and
   * lookback left-open, (t - range, t], where 2.x includes a sample exactly at t - range, and clamps
   * rate's zero point after (not before) limiting extrapolation.
   */
  prometheusMajor?: 2 | 3;
}

/** What every node's evaluation needs: the data, the step times (ms) and the semantics. */
export interface EvalContext {
  readonly store: Store;
  readonly stepsMs: Float64Array;
  readonly lookbackMs: number;
  readonly leftOpen: boolean;
  readonly prometheusMajor: 2 | 3;
}

export function evaluateRange(
  expr: string | PromExpr,
  data: SeriesSet,
  range: { start: number; end: number; step: number },
  opts: EvalOptions = {},
): Matrix {
  const ast = typeof expr === "string" ? parsePromQL(expr, opts.vars) : expr;
  const t = typeOf(ast);
  if (t !== "scalar" && t !== "vector")
    throw new PromQLError(
      `invalid expression type "${t}" for range query, must be scalar or instant vector`,
      0,
    );
  if (!(range.step > 0))
    throw new PromQLError("zero or negative query resolution step widths are not accepted", 0);
  if (range.end < range.start) throw new PromQLError("end timestamp must not be before start time", 0);
  const startMs = Math.round(range.start * 1000);
  const endMs = Math.round(range.end * 1000);
  const stepMs = Math.round(range.step * 1000);
  const n = Math.floor((endMs - startMs) / stepMs) + 1;
  const stepsMs = new Float64Array(n);
  for (let k = 0; k < n; k++) stepsMs[k] = startMs + k * stepMs;
  const ctx = context(data, stepsMs, opts);
  return toMatrix(evaluate(ast, ctx), stepsMs);
}

/** An instant query at `time` (seconds); a range-vector expression returns its raw samples. */
export function evaluateInstant(
  expr: string | PromExpr,
  data: SeriesSet,
  time: number,
  opts: EvalOptions = {},
): Matrix {
  const ast = typeof expr === "string" ? parsePromQL(expr, opts.vars) : expr;
  const stepsMs = Float64Array.of(Math.round(time * 1000));
  const ctx = context(data, stepsMs, opts);
  if (typeOf(ast) === "matrix") return rawSamples(unwrapRange(ast), ctx);
  if (typeOf(ast) === "string") throw new PromQLError("string results are not supported", 0);
  return toMatrix(evaluate(ast, ctx), stepsMs);
}

function context(data: SeriesSet, stepsMs: Float64Array, opts: EvalOptions): EvalContext {
  const lookback = opts.lookbackSeconds ?? 300;
  if (!(lookback > 0)) throw new PromQLError("lookbackSeconds must be positive", 0);
  const major = opts.prometheusMajor ?? 2;
  return {
    store: storeOf(data),
    stepsMs,
    lookbackMs: Math.round(lookback * 1000),
    leftOpen: major === 3,
    prometheusMajor: major,
  };
}

/** Evaluates one node over every step. */
export function evaluate(e: PromExpr, ctx: EvalContext): Value {
  switch (e.kind) {
    case "number":
      return { type: "scalar", values: new Float64Array(ctx.stepsMs.length).fill(e.value) };
    case "string":
      return { type: "string", value: e.value };
    case "paren":
      return evaluate(e.expr, ctx);
    case "selector":
      return { type: "vector", series: instantSelector(e, ctx) };
    case "range":
      throw new PromQLError("a range vector is only allowed as a function argument", e.pos);
    case "unary":
      return unary(e.op, evaluate(e.expr, ctx), e.pos);
    case "call":
      return callFunction(e, ctx);
    case "aggregate":
      return aggregate(e, ctx);
    case "binary":
      return binary(e, ctx);
  }
}

/** Evaluates a node that must give a scalar (a function or aggregation parameter). */
export function evaluateScalar(e: PromExpr, ctx: EvalContext): Float64Array {
  const v = evaluate(e, ctx);
  if (v.type !== "scalar") throw new PromQLError("expected a scalar", e.pos);
  return v.values;
}

export function evaluateVector(e: PromExpr, ctx: EvalContext): StepSeries[] {
  const v = evaluate(e, ctx);
  if (v.type !== "vector") throw new PromQLError("expected an instant vector", e.pos);
  return v.series;
}

function unary(op: "-" | "+", v: Value, pos: number): Value {
  if (op === "+") return v;
  if (v.type === "scalar") return { type: "scalar", values: v.values.map((x) => -x) };
  if (v.type !== "vector") throw new PromQLError("unary minus needs a scalar or an instant vector", pos);
  const out = v.series.map((s) => ({
    labels: dropName(s.labels),
    values: s.values.map((x) => -x),
    present: s.present,
  }));
  return { type: "vector", series: collect(out, pos) };
}

/** The latest sample at or before each step, no older than the lookback delta (Prometheus' instant selector). */
function instantSelector(sel: VectorSelector, ctx: EvalContext): StepSeries[] {
  const { stepsMs, lookbackMs, leftOpen } = ctx;
  const offsetMs = Math.round(sel.offsetSeconds * 1000);
  const out: StepSeries[] = [];
  for (const s of select(ctx.store, sel.matchers)) {
    const times = s.timesMs;
    const series = newSeries(s.labels, stepsMs.length);
    let i = 0;
    let any = false;
    for (let k = 0; k < stepsMs.length; k++) {
      const ref = stepsMs[k]! - offsetMs;
      while (i < times.length && times[i]! <= ref) i++;
      if (i === 0) continue;
      const t = times[i - 1]!;
      if (leftOpen ? t > ref - lookbackMs : t >= ref - lookbackMs) {
        series.values[k] = s.values[i - 1]!;
        series.present[k] = 1;
        any = true;
      }
    }
    if (any) out.push(series);
  }
  return out;
}

/**
 * Calls `visit(series, k, lo, hi)` for each selected series and each step whose range window
 * holds samples: indices [lo, hi) of the series' samples inside the window.
 */
export function forEachWindow(
  m: MatrixSelector,
  ctx: EvalContext,
  visit: (s: StoredSeries, k: number, lo: number, hi: number) => void,
): void {
  const { stepsMs, leftOpen } = ctx;
  const offsetMs = Math.round(m.selector.offsetSeconds * 1000);
  const rangeMs = Math.round(m.rangeSeconds * 1000);
  for (const s of select(ctx.store, m.selector.matchers)) {
    const times = s.timesMs;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < stepsMs.length; k++) {
      const maxt = stepsMs[k]! - offsetMs;
      const mint = maxt - rangeMs;
      while (lo < times.length && (leftOpen ? times[lo]! <= mint : times[lo]! < mint)) lo++;
      while (hi < times.length && times[hi]! <= maxt) hi++;
      if (hi > lo) visit(s, k, lo, hi);
    }
  }
}

function unwrapRange(e: PromExpr): MatrixSelector {
  if (e.kind === "range") return e;
  if (e.kind === "paren") return unwrapRange(e.expr);
  throw new PromQLError("only a range selector can be returned as a range vector", e.pos);
}

function rawSamples(m: MatrixSelector, ctx: EvalContext): Matrix {
  const out: Matrix = [];
  forEachWindow(m, ctx, (s, _k, lo, hi) => {
    out.push({
      labels: s.labels,
      times: Array.from(s.timesMs.subarray(lo, hi), (t) => t / 1000),
      values: Array.from(s.values.subarray(lo, hi)),
    });
  });
  return sortMatrix(out);
}

function toMatrix(v: Value, stepsMs: Float64Array): Matrix {
  if (v.type === "string") throw new PromQLError("string results are not supported", 0);
  if (v.type === "scalar")
    return [{ labels: {}, times: Array.from(stepsMs, (t) => t / 1000), values: Array.from(v.values) }];
  const out: Matrix = [];
  for (const s of v.series) {
    const times: number[] = [];
    const values: number[] = [];
    for (let k = 0; k < stepsMs.length; k++) {
      if (!s.present[k]) continue;
      times.push(stepsMs[k]! / 1000);
      values.push(s.values[k]!);
    }
    if (times.length > 0) out.push({ labels: s.labels, times, values });
  }
  return sortMatrix(out);
}

function sortMatrix(m: Matrix): Matrix {
  const keyed = m.map((s) => ({ s, key: labelsKey(s.labels) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map((x) => x.s);
}
