/** PromQL functions, each as Prometheus 2.42 computes it (promql/functions.go). */

import { quantileSorted } from "../series/quantile.js";
import type { Call, MatrixSelector, PromExpr } from "./ast.js";
import { PromQLError } from "./errors.js";
import { type EvalContext, evaluate, evaluateScalar, evaluateVector, forEachWindow } from "./eval.js";
import { histogramQuantile } from "./histogram.js";
import { dropName } from "./labels.js";
import type { StoredSeries } from "./store.js";
import { collect, newSeries, type StepSeries, type Value } from "./vector.js";

/** A function of the samples [lo, hi) of one window; undefined when the window gives no result. */
type WindowFn = (
  t: Float64Array,
  v: Float64Array,
  lo: number,
  hi: number,
  w: WindowInfo,
) => number | undefined;

interface WindowInfo {
  rangeStartMs: number;
  rangeEndMs: number;
  rangeSeconds: number;
  /** The scalar parameter at this step (quantile_over_time's q). */
  param: number;
  prometheusMajor: 2 | 3;
  scratch: Float64Array;
}

const RANGE_FUNCTIONS: Readonly<Record<string, WindowFn>> = {
  rate: (t, v, lo, hi, w) => extrapolatedRate(t, v, lo, hi, w, true, true),
  increase: (t, v, lo, hi, w) => extrapolatedRate(t, v, lo, hi, w, true, false),
  delta: (t, v, lo, hi, w) => extrapolatedRate(t, v, lo, hi, w, false, false),
  irate: (t, v, lo, hi) => instantValue(t, v, lo, hi, true),
  idelta: (t, v, lo, hi) => instantValue(t, v, lo, hi, false),
  resets: (_t, v, lo, hi) => {
    let resets = 0;
    for (let i = lo + 1; i < hi; i++) if (v[i]! < v[i - 1]!) resets++;
    return resets;
  },
  changes: (_t, v, lo, hi) => {
    let changes = 0;
    for (let i = lo + 1; i < hi; i++) {
      const a = v[i - 1]!;
      const b = v[i]!;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) changes++;
    }
    return changes;
  },
  sum_over_time: (_t, v, lo, hi) => {
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += v[i]!;
    return sum;
  },
  count_over_time: (_t, _v, lo, hi) => hi - lo,
  present_over_time: () => 1,
  last_over_time: (_t, v, _lo, hi) => v[hi - 1]!,
  min_over_time: (_t, v, lo, hi) => {
    let min = v[lo]!;
    for (let i = lo + 1; i < hi; i++) if (v[i]! < min || Number.isNaN(min)) min = v[i]!;
    return min;
  },
  max_over_time: (_t, v, lo, hi) => {
    let max = v[lo]!;
    for (let i = lo + 1; i < hi; i++) if (v[i]! > max || Number.isNaN(max)) max = v[i]!;
    return max;
  },
  avg_over_time: (_t, v, lo, hi) => {
    let mean = 0;
    let count = 0;
    for (let i = lo; i < hi; i++) mean = addToMean(mean, ++count, v[i]!);
    return mean;
  },
  stdvar_over_time: (_t, v, lo, hi) => variance(v, lo, hi),
  stddev_over_time: (_t, v, lo, hi) => Math.sqrt(variance(v, lo, hi)),
  quantile_over_time: (_t, v, lo, hi, w) => {
    const buf = w.scratch.subarray(0, hi - lo);
    buf.set(v.subarray(lo, hi));
    buf.sort();
    return quantileSorted(w.param, buf);
  },
};

/** Prometheus' running mean (avoids overflow; keeps an infinite mean infinite). */
export function addToMean(mean: number, count: number, x: number): number {
  if (count === 1) return x;
  if (mean === Infinity || mean === -Infinity) {
    if ((x === Infinity || x === -Infinity) && mean > 0 === x > 0) return mean;
    if (Number.isFinite(x)) return mean;
  }
  return mean + (x / count - mean / count);
}

function variance(v: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0;
  let aux = 0;
  for (let i = lo; i < hi; i++) {
    count++;
    const delta = v[i]! - mean;
    mean += delta / count;
    aux += delta * (v[i]! - mean);
  }
  return aux / count;
}

/** rate, increase and delta: counter resets, extrapolation to the range ends limited to 1.1x the average interval. */
function extrapolatedRate(
  t: Float64Array,
  v: Float64Array,
  lo: number,
  hi: number,
  w: WindowInfo,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (hi - lo < 2) return undefined;
  const last = hi - 1;
  let result = v[last]! - v[lo]!;
  if (isCounter) {
    for (let i = lo + 1; i < hi; i++) if (v[i]! < v[i - 1]!) result += v[i - 1]!;
  }
  let durationToStart = (t[lo]! - w.rangeStartMs) / 1000;
  let durationToEnd = (w.rangeEndMs - t[last]!) / 1000;
  const sampledInterval = (t[last]! - t[lo]!) / 1000;
  const averageInterval = sampledInterval / (hi - lo - 1);
  const threshold = averageInterval * 1.1;
  if (w.prometheusMajor === 2) {
    // 2.42: the zero point limits the start before the 1.1x threshold is applied.
    if (isCounter && result > 0 && v[lo]! >= 0) {
      const durationToZero = sampledInterval * (v[lo]! / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  } else {
    if (durationToStart >= threshold) durationToStart = averageInterval / 2;
    if (isCounter && result > 0 && v[lo]! >= 0) {
      const durationToZero = sampledInterval * (v[lo]! / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  if (isRate) factor /= w.rangeSeconds;
  return result * factor;
}

/** irate and idelta: the last two samples of the window. */
function instantValue(
  t: Float64Array,
  v: Float64Array,
  lo: number,
  hi: number,
  isRate: boolean,
): number | undefined {
  if (hi - lo < 2) return undefined;
  const last = v[hi - 1]!;
  const prev = v[hi - 2]!;
  const result = isRate && last < prev ? last : last - prev;
  const intervalMs = t[hi - 1]! - t[hi - 2]!;
  if (intervalMs === 0) return undefined;
  return isRate ? result / (intervalMs / 1000) : result;
}

export function callFunction(e: Call, ctx: EvalContext): Value {
  const windowFn = RANGE_FUNCTIONS[e.func];
  if (windowFn) return rangeFunction(e, windowFn, ctx);
  const n = ctx.stepsMs.length;
  switch (e.func) {
    case "time":
      return { type: "scalar", values: ctx.stepsMs.map((t) => t / 1000) };
    case "vector": {
      const s = newSeries({}, n);
      s.values.set(evaluateScalar(e.args[0]!, ctx));
      s.present.fill(1);
      return { type: "vector", series: [s] };
    }
    case "scalar":
      return { type: "scalar", values: toScalar(evaluateVector(e.args[0]!, ctx), n) };
    case "histogram_quantile":
      return {
        type: "vector",
        series: collect(
          histogramQuantile(evaluateScalar(e.args[0]!, ctx), evaluateVector(e.args[1]!, ctx), n),
          e.pos,
        ),
      };
    case "label_replace":
      return { type: "vector", series: labelReplace(e, ctx) };
    default:
      return { type: "vector", series: mathFunction(e, ctx) };
  }
}

function rangeFunction(e: Call, fn: WindowFn, ctx: EvalContext): Value {
  const m = e.args[e.args.length - 1] as MatrixSelector;
  const param = e.args.length > 1 ? evaluateScalar(e.args[0]!, ctx) : undefined;
  const keepName = e.func === "last_over_time";
  const info: WindowInfo = {
    rangeStartMs: 0,
    rangeEndMs: 0,
    rangeSeconds: m.rangeSeconds,
    param: 0,
    prometheusMajor: ctx.prometheusMajor,
    scratch: new Float64Array(0),
  };
  const offsetMs = Math.round(m.selector.offsetSeconds * 1000);
  const rangeMs = Math.round(m.rangeSeconds * 1000);
  const out: StepSeries[] = [];
  let current: StoredSeries | undefined;
  let series: StepSeries | undefined;
  forEachWindow(m, ctx, (s, k, lo, hi) => {
    if (s !== current) {
      current = s;
      series = newSeries(keepName ? s.labels : dropName(s.labels), ctx.stepsMs.length);
      out.push(series);
      if (info.scratch.length < s.values.length) info.scratch = new Float64Array(s.values.length);
    }
    info.rangeEndMs = ctx.stepsMs[k]! - offsetMs;
    info.rangeStartMs = info.rangeEndMs - rangeMs;
    if (param) info.param = param[k]!;
    const value = fn(s.timesMs, s.values, lo, hi, info);
    if (value === undefined) return;
    series!.values[k] = value;
    series!.present[k] = 1;
  });
  return { type: "vector", series: collect(out, e.pos) };
}

function toScalar(series: readonly StepSeries[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let count = 0;
    let value = Number.NaN;
    for (const s of series) {
      if (!s.present[k]) continue;
      count++;
      value = s.values[k]!;
    }
    out[k] = count === 1 ? value : Number.NaN;
  }
  return out;
}

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
};

/** Element-wise functions of an instant vector; all drop the metric name. */
function mathFunction(e: Call, ctx: EvalContext): StepSeries[] {
  const input = evaluateVector(e.args[0]!, ctx);
  const params = e.args.slice(1).map((a) => evaluateScalar(a, ctx));
  const f = elementFunction(e, params);
  const out: StepSeries[] = [];
  for (const s of input) {
    const r = newSeries(dropName(s.labels), s.values.length);
    for (let k = 0; k < s.values.length; k++) {
      if (!s.present[k]) continue;
      if (e.func === "clamp" && params[0]![k]! > params[1]![k]!) continue; // Prometheus: no sample
      r.values[k] = f(s.values[k]!, k);
      r.present[k] = 1;
    }
    out.push(r);
  }
  return collect(out, e.pos);
}

function elementFunction(e: Call, p: readonly Float64Array[]): (x: number, k: number) => number {
  const simple = MATH[e.func];
  if (simple) return simple;
  switch (e.func) {
    case "clamp_min":
      return (x, k) => Math.max(p[0]![k]!, x);
    case "clamp_max":
      return (x, k) => Math.min(p[0]![k]!, x);
    case "clamp":
      return (x, k) => Math.max(p[0]![k]!, Math.min(p[1]![k]!, x));
    case "round":
      return (x, k) => {
        const to = p[0]?.[k] ?? 1;
        const inverse = 1 / to;
        return Math.floor(x * inverse + 0.5) / inverse;
      };
    default:
      throw new PromQLError(`function "${e.func}" is not supported by capsim's evaluator`, e.pos);
  }
}

function labelReplace(e: Call, ctx: EvalContext): StepSeries[] {
  const input = evaluateVector(e.args[0]!, ctx);
  const [dst, replacement, src, regex] = e.args.slice(1).map((a) => stringArg(a, ctx));
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst!))
    throw new PromQLError(`invalid destination label name in label_replace(): ${dst}`, e.pos);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${regex!})$`);
  } catch (err) {
    throw new PromQLError(
      `invalid regular expression in label_replace(): ${regex}: ${(err as Error).message}`,
      e.pos,
    );
  }
  const out = input.map((s) => {
    const m = re.exec(s.labels[src!] ?? "");
    if (!m) return s;
    const value = expandTemplate(replacement!, m);
    const labels: Record<string, string> = { ...s.labels };
    if (value === "") delete labels[dst!];
    else labels[dst!] = value;
    return { ...s, labels };
  });
  return collect(out, e.pos);
}

/** Go's Regexp.ExpandString: $1, ${1}, $name, ${name}; $$ is a dollar. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\$(\$|\{(\w+)\}|(\w+))/g,
    (_all, whole: string, braced?: string, bare?: string) => {
      if (whole === "$") return "$";
      const name = braced ?? bare!;
      const value = /^[0-9]+$/.test(name) ? m[Number(name)] : m.groups?.[name];
      return value ?? "";
    },
  );
}

function stringArg(a: PromExpr, ctx: EvalContext): string {
  const v = evaluate(a, ctx);
  if (v.type !== "string") throw new PromQLError("expected a string", a.pos);
  return v.value;
}
