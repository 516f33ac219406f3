/** Aggregation operators (sum, avg, min, max, count, group, quantile, stddev, stdvar, topk, bottomk) by/without labels. */
import type { Labels } from "../series/types.js";
import type { Aggregate } from "./ast.js";
import { type EvalContext, evaluateScalar, evaluateVector } from "./eval.js";
import { addToMean } from "./functions.js";
import { keepLabels, labelsKey, NAME, removeLabels } from "./labels.js";
import { quantileSorted } from "./quantile.js";
import { getOrInsert, newSeries, type StepSeries, type Value } from "./vector.js";

interface Group {
  readonly labels: Labels;
  readonly members: StepSeries[];
}

export function aggregate(e: Aggregate, ctx: EvalContext): Value {
  const input = evaluateVector(e.expr, ctx);
  const param = e.param ? evaluateScalar(e.param, ctx) : undefined;
  const steps = ctx.stepsMs.length;
  const groups = groupSeries(input, e);
  if (e.op === "topk" || e.op === "bottomk")
    return { type: "vector", series: topk(groups, param!, steps, e.op === "topk") };
  const out: StepSeries[] = [];
  for (const g of groups) {
    const r = newSeries(g.labels, steps);
    if (e.op === "quantile") quantileGroup(g.members, param!, r);
    else reduceGroup(e.op, g.members, r);
    out.push(r);
  }
  return { type: "vector", series: out };
}

/** Series grouped by the labels the aggregation keeps (by: those listed; without: all but those and the name). */
function groupSeries(input: readonly StepSeries[], e: Aggregate): Group[] {
  const groups = new Map<string, Group>();
  for (const s of input) {
    const labels = e.without
      ? removeLabels(s.labels, [...e.grouping, NAME])
      : keepLabels(s.labels, e.grouping);
    const key = labelsKey(labels);
    getOrInsert(groups, key, () => ({ labels, members: [] })).members.push(s);
  }
  return [...groups.values()];
}

/** The running reductions, in Prometheus' order of operations (input order, running mean for avg). */
function reduceGroup(op: Aggregate["op"], members: readonly StepSeries[], r: StepSeries): void {
  const steps = r.values.length;
  const count = new Float64Array(steps);
  const mean = op === "stddev" || op === "stdvar" ? new Float64Array(steps) : undefined;
  const { values, present } = r;
  for (const s of members) {
    for (let k = 0; k < steps; k++) {
      if (!s.present[k]) continue;
      const x = s.values[k]!;
      const c = ++count[k]!;
      if (c === 1) {
        present[k] = 1;
        values[k] = op === "count" || op === "group" ? 1 : op === "stddev" || op === "stdvar" ? 0 : x;
        if (mean) mean[k] = x;
        continue;
      }
      switch (op) {
        case "sum":
          values[k]! += x;
          break;
        case "avg":
          values[k] = addToMean(values[k]!, c, x);
          break;
        case "min":
          if (values[k]! > x || Number.isNaN(values[k]!)) values[k] = x;
          break;
        case "max":
          if (values[k]! < x || Number.isNaN(values[k]!)) values[k] = x;
          break;
        case "count":
          values[k] = c;
          break;
        case "stddev":
        case "stdvar": {
          const delta = x - mean![k]!;
          mean![k]! += delta / c;
          values[k]! += delta * (x - mean![k]!);
          break;
        }
      }
    }
  }
  if (op === "stddev" || op === "stdvar")
    for (let k = 0; k < steps; k++) {
      if (!present[k]) continue;
      values[k] = values[k]! / count[k]!;
      if (op === "stddev") values[k] = Math.sqrt(values[k]!);
    }
}

function quantileGroup(members: readonly StepSeries[], q: Float64Array, r: StepSeries): void {
  // Step-major copy of the members' values: reads each series once, then sorts one row per step.
  const width = members.length;
  const steps = r.values.length;
  const rows = new Float64Array(steps * width);
  const counts = new Int32Array(steps);
  for (const s of members)
    for (let k = 0; k < steps; k++) if (s.present[k]) rows[k * width + counts[k]!++] = s.values[k]!;
  for (let k = 0; k < steps; k++) {
    const n = counts[k]!;
    if (n === 0) continue;
    r.values[k] = quantileSorted(q[k]!, rows.subarray(k * width, k * width + n).sort());
    r.present[k] = 1;
  }
}

/** topk/bottomk keep the series' own labels; ties are broken by input order. */
function topk(groups: readonly Group[], kParam: Float64Array, steps: number, top: boolean): StepSeries[] {
  const out = new Map<StepSeries, StepSeries>();
  for (const g of groups) {
    const chosen: StepSeries[] = [];
    for (let k = 0; k < steps; k++) {
      const want = Math.trunc(kParam[k]!);
      if (!(want >= 1)) continue;
      chosen.length = 0;
      for (const s of g.members) if (s.present[k]) chosen.push(s);
      chosen.sort((a, b) => compareForTopk(a.values[k]!, b.values[k]!, top));
      for (const s of chosen.slice(0, want)) {
        const r = getOrInsert(out, s, () => newSeries(s.labels, steps));
        r.values[k] = s.values[k]!;
        r.present[k] = 1;
      }
    }
  }
  return [...out.values()];
}

/** Larger first for topk, smaller first for bottomk; NaN always last. */
function compareForTopk(a: number, b: number, top: boolean): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  const order = a > b ? -1 : a < b ? 1 : 0;
  return top ? order : -order;
}
