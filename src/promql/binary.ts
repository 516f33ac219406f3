/** Binary operators between scalars and vectors, with Prometheus' vector matching (promql/engine.go). */
import type { Labels } from "../series/types.js";
import type { ArithmeticOp, Binary, BinaryOp, ComparisonOp, VectorMatching } from "./ast.js";
import { PromQLError } from "./errors.js";
import { type EvalContext, evaluate } from "./eval.js";
import { dropName, keepLabels, labelsKey, matchSignature, removeLabels } from "./labels.js";
import { collect, getOrInsert, newSeries, type StepSeries, type Value } from "./vector.js";

const COMPARISON: ReadonlySet<BinaryOp> = new Set(["==", "!=", ">", "<", ">=", "<="]);

export function binary(e: Binary, ctx: EvalContext): Value {
  const l = evaluate(e.lhs, ctx);
  const r = evaluate(e.rhs, ctx);
  if (l.type === "scalar" && r.type === "scalar")
    return { type: "scalar", values: scalarScalar(e, l.values, r.values) };
  if (l.type === "vector" && r.type === "scalar")
    return { type: "vector", series: vectorScalar(e, l.series, r.values, false) };
  if (l.type === "scalar" && r.type === "vector")
    return { type: "vector", series: vectorScalar(e, r.series, l.values, true) };
  if (l.type === "vector" && r.type === "vector") {
    const m = e.matching!;
    if (e.op === "and" || e.op === "or" || e.op === "unless")
      return { type: "vector", series: setOperation(e.op, l.series, r.series, m) };
    return { type: "vector", series: vectorVector(e, l.series, r.series, m) };
  }
  throw new PromQLError("binary expression must contain only scalar and instant vector types", e.pos);
}

export function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b; // Go's math.Mod: sign of the dividend, NaN for a zero divisor, like JS
    case "^":
      return goPow(a, b);
  }
}

/** Go's math.Pow differs from JS where the base is +-1 and the exponent NaN or infinite. */
function goPow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

export function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
  }
}

function scalarScalar(e: Binary, l: Float64Array, r: Float64Array): Float64Array {
  const out = new Float64Array(l.length);
  const comparison = COMPARISON.has(e.op);
  for (let k = 0; k < l.length; k++)
    out[k] = comparison
      ? Number(compare(e.op as ComparisonOp, l[k]!, r[k]!))
      : arithmetic(e.op as ArithmeticOp, l[k]!, r[k]!);
  return out;
}

/** `scalarOnLeft`: the scalar was the left operand; comparisons still return the vector's value. */
function vectorScalar(
  e: Binary,
  series: readonly StepSeries[],
  scalar: Float64Array,
  scalarOnLeft: boolean,
): StepSeries[] {
  const comparison = COMPARISON.has(e.op);
  const drop = !comparison || e.returnBool;
  const out: StepSeries[] = [];
  for (const s of series) {
    const r = newSeries(drop ? dropName(s.labels) : s.labels, s.values.length);
    for (let k = 0; k < s.values.length; k++) {
      if (!s.present[k]) continue;
      const v = s.values[k]!;
      const a = scalarOnLeft ? scalar[k]! : v;
      const b = scalarOnLeft ? v : scalar[k]!;
      if (comparison) {
        const keep = compare(e.op as ComparisonOp, a, b);
        if (!e.returnBool && !keep) continue;
        r.values[k] = e.returnBool ? Number(keep) : v;
      } else r.values[k] = arithmetic(e.op as ArithmeticOp, a, b);
      r.present[k] = 1;
    }
    out.push(r);
  }
  return collect(out, e.pos);
}

function signatures(series: readonly StepSeries[], m: VectorMatching): Map<string, StepSeries[]> {
  const bySig = new Map<string, StepSeries[]>();
  for (const s of series) {
    const sig = matchSignature(s.labels, m.on, m.labels);
    const list = bySig.get(sig);
    if (list) list.push(s);
    else bySig.set(sig, [s]);
  }
  return bySig;
}

/** Per signature, the steps at which any of its series has a sample. */
function presence(bySig: Map<string, StepSeries[]>, steps: number): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [sig, list] of bySig) {
    const p = new Uint8Array(steps);
    for (const s of list) for (let k = 0; k < steps; k++) p[k]! |= s.present[k]!;
    out.set(sig, p);
  }
  return out;
}

/** and / or / unless: many-to-many, labels kept as they are. */
function setOperation(
  op: "and" | "or" | "unless",
  lhs: StepSeries[],
  rhs: StepSeries[],
  m: VectorMatching,
): StepSeries[] {
  const steps = (lhs[0] ?? rhs[0])?.values.length ?? 0;
  const filter = (side: StepSeries[], other: Map<string, Uint8Array>, keepIfPresent: boolean): StepSeries[] =>
    side.map((s) => {
      const p = other.get(matchSignature(s.labels, m.on, m.labels));
      const present = new Uint8Array(steps);
      for (let k = 0; k < steps; k++) present[k] = s.present[k]! & Number((p?.[k] === 1) === keepIfPresent);
      return { labels: s.labels, values: s.values, present };
    });
  if (op === "and") return collect(filter(lhs, presence(signatures(rhs, m), steps), true), 0);
  if (op === "unless") return collect(filter(lhs, presence(signatures(rhs, m), steps), false), 0);
  return collect([...lhs, ...filter(rhs, presence(signatures(lhs, m), steps), false)], 0);
}

/** Arithmetic and comparison between two vectors: one-to-one, or many-to-one with group_left/group_right. */
function vectorVector(e: Binary, lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching): StepSeries[] {
  const swapped = m.card === "one-to-many";
  const many = swapped ? rhs : lhs;
  const oneBySig = signatures(swapped ? lhs : rhs, m);
  const steps = (lhs[0] ?? rhs[0])?.values.length ?? 0;
  checkOneSideUnique(oneBySig, steps, swapped, e.pos);
  const comparison = COMPARISON.has(e.op);
  const used = new Map<string, Uint8Array>();
  const out: StepSeries[] = [];
  for (const s of many) {
    const sig = matchSignature(s.labels, m.on, m.labels);
    const ones = oneBySig.get(sig);
    if (!ones) continue;
    const results = new Map<StepSeries, StepSeries>();
    for (let k = 0; k < steps; k++) {
      if (!s.present[k]) continue;
      const o =
        ones.length === 1 ? (ones[0]!.present[k] ? ones[0] : undefined) : ones.find((x) => x.present[k]);
      if (!o) continue;
      const vl = swapped ? o.values[k]! : s.values[k]!;
      const vr = swapped ? s.values[k]! : o.values[k]!;
      let value: number;
      if (comparison) {
        const keep = compare(e.op as ComparisonOp, vl, vr);
        if (!e.returnBool && !keep) continue;
        value = e.returnBool ? Number(keep) : vl;
      } else value = arithmetic(e.op as ArithmeticOp, vl, vr);
      let r = results.get(o);
      if (!r) {
        r = newSeries(resultLabels(s.labels, o.labels, e, m), steps);
        results.set(o, r);
        out.push(r);
      }
      const trackKey = m.card === "one-to-one" ? sig : `${sig}\x00${labelsKey(r.labels)}`;
      const seen = getOrInsert(used, trackKey, () => new Uint8Array(steps));
      if (seen[k])
        throw new PromQLError(
          m.card === "one-to-one"
            ? "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
            : "multiple matches for labels: grouping labels must ensure unique results",
          e.pos,
        );
      seen[k] = 1;
      r.values[k] = value;
      r.present[k] = 1;
    }
  }
  return collect(out, e.pos);
}

function checkOneSideUnique(
  oneBySig: Map<string, StepSeries[]>,
  steps: number,
  swapped: boolean,
  pos: number,
): void {
  for (const list of oneBySig.values()) {
    if (list.length < 2) continue;
    for (let k = 0; k < steps; k++) {
      let n = 0;
      for (const s of list) n += s.present[k]!;
      if (n > 1)
        throw new PromQLError(
          `found duplicate series for the match group on the ${swapped ? "left" : "right"} side of the operation; many-to-many matching not allowed: matching labels must be unique on one side`,
          pos,
        );
    }
  }
}

/** Prometheus' resultMetric: the many side's labels, name dropped for arithmetic and bool, on/ignoring, group_x labels. */
function resultLabels(many: Labels, one: Labels, e: Binary, m: VectorMatching): Labels {
  let labels = many;
  if (!COMPARISON.has(e.op) || e.returnBool) labels = dropName(labels);
  if (m.card === "one-to-one") labels = m.on ? keepLabels(labels, m.labels) : removeLabels(labels, m.labels);
  if (m.include.length > 0) {
    const out: Record<string, string> = { ...labels };
    for (const name of m.include) {
      const v = one[name];
      if (v !== undefined && v !== "") out[name] = v;
      else delete out[name];
    }
    labels = out;
  }
  return labels;
}
