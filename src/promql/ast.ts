/** The small AST capsim evaluates: built from lezer-promql's syntax tree, type-checked as Prometheus does. */

export type ValueType = "scalar" | "vector" | "matrix" | "string";

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** Fully anchored, as Prometheus anchors regex matchers; only for =~ and !~. */
  readonly regex?: RegExp;
}

interface Node {
  /** Offset of the node in the expression text (for error messages). */
  readonly pos: number;
}

export interface NumberLiteral extends Node {
  readonly kind: "number";
  readonly value: number;
}

export interface StringLiteral extends Node {
  readonly kind: "string";
  readonly value: string;
}

export interface VectorSelector extends Node {
  readonly kind: "selector";
  readonly matchers: readonly LabelMatcher[];
  /** Seconds; positive looks back in time. */
  readonly offsetSeconds: number;
}

export interface MatrixSelector extends Node {
  readonly kind: "range";
  readonly selector: VectorSelector;
  readonly rangeSeconds: number;
}

export interface Call extends Node {
  readonly kind: "call";
  readonly func: string;
  readonly args: readonly PromExpr[];
}

export type AggregateOp =
  | "sum"
  | "avg"
  | "min"
  | "max"
  | "count"
  | "group"
  | "quantile"
  | "topk"
  | "bottomk"
  | "stddev"
  | "stdvar";

export interface Aggregate extends Node {
  readonly kind: "aggregate";
  readonly op: AggregateOp;
  readonly param?: PromExpr;
  readonly expr: PromExpr;
  readonly grouping: readonly string[];
  readonly without: boolean;
}

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%" | "^";
export type ComparisonOp = "==" | "!=" | ">" | "<" | ">=" | "<=";
export type SetOp = "and" | "or" | "unless";
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";

export interface VectorMatching {
  readonly card: Cardinality;
  /** True for on(...), false for ignoring(...) or no modifier. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Labels of group_left(...)/group_right(...) taken from the "one" side. */
  readonly include: readonly string[];
}

export interface Binary extends Node {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly lhs: PromExpr;
  readonly rhs: PromExpr;
  readonly returnBool: boolean;
  /** Present when both sides are vectors. */
  readonly matching?: VectorMatching;
}

export interface Unary extends Node {
  readonly kind: "unary";
  readonly op: "-" | "+";
  readonly expr: PromExpr;
}

export interface Paren extends Node {
  readonly kind: "paren";
  readonly expr: PromExpr;
}

export type PromExpr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | Call
  | Aggregate
  | Binary
  | Unary
  | Paren;

/** The value type an expression evaluates to (Prometheus' parser.Expr.Type()). */
export function typeOf(e: PromExpr): ValueType {
  switch (e.kind) {
    case "number":
      return "scalar";
    case "string":
      return "string";
    case "selector":
      return "vector";
    case "range":
      return "matrix";
    case "call":
      return FUNCTIONS[e.func]?.returns ?? "vector";
    case "aggregate":
      return "vector";
    case "binary":
      return typeOf(e.lhs) === "scalar" && typeOf(e.rhs) === "scalar" ? "scalar" : "vector";
    case "unary":
    case "paren":
      return typeOf(e.expr);
  }
}

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** Number of trailing args that may be omitted. */
  readonly optional?: number;
  readonly returns: ValueType;
}

const instantMath = { args: ["vector"], returns: "vector" } as const;
const overTime = { args: ["matrix"], returns: "vector" } as const;

/** The functions capsim evaluates, with Prometheus' argument types. */
export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  rate: overTime,
  increase: overTime,
  delta: overTime,
  irate: overTime,
  idelta: overTime,
  resets: overTime,
  changes: overTime,
  avg_over_time: overTime,
  min_over_time: overTime,
  max_over_time: overTime,
  sum_over_time: overTime,
  count_over_time: overTime,
  last_over_time: overTime,
  present_over_time: overTime,
  stddev_over_time: overTime,
  stdvar_over_time: overTime,
  quantile_over_time: { args: ["scalar", "matrix"], returns: "vector" },
  histogram_quantile: { args: ["scalar", "vector"], returns: "vector" },
  abs: instantMath,
  ceil: instantMath,
  floor: instantMath,
  exp: instantMath,
  ln: instantMath,
  log2: instantMath,
  log10: instantMath,
  sqrt: instantMath,
  sgn: instantMath,
  round: { args: ["vector", "scalar"], optional: 1, returns: "vector" },
  clamp: { args: ["vector", "scalar", "scalar"], returns: "vector" },
  clamp_min: { args: ["vector", "scalar"], returns: "vector" },
  clamp_max: { args: ["vector", "scalar"], returns: "vector" },
  scalar: { args: ["vector"], returns: "scalar" },
  vector: { args: ["scalar"], returns: "vector" },
  time: { args: [], returns: "scalar" },
  label_replace: { args: ["vector", "string", "string", "string", "string"], returns: "vector" },
};
