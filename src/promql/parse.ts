/**
 * PromQL text -> capsim's AST. The syntax is lezer-promql's (the grammar Prometheus' own UI uses); the
 * checks after it are Prometheus 2.42's parser checks (types, bool, vector matching), so a text that
 * parses here is one a real Prometheus accepts.
 */
import { parser } from "@prometheus-io/lezer-promql";
import type {
  AggregateOp,
  BinaryOp,
  Cardinality,
  LabelMatcher,
  MatchOp,
  PromExpr,
  VectorMatching,
  VectorSelector,
} from "./ast.js";
import { FUNCTIONS, typeOf } from "./ast.js";
import { PromQLError } from "./errors.js";
import { parseDurationMs, parseNumber, unquote } from "./literals.js";
import { substituteVars } from "./vars.js";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** Parses `text` (after replacing Grafana variables from `vars`, in seconds) into a type-checked AST. */
export function parsePromQL(text: string, vars?: Readonly<Record<string, number>>): PromExpr {
  const sub = substituteVars(text, vars);
  try {
    return new Builder(sub.text).build();
  } catch (err) {
    if (err instanceof PromQLError && sub.text !== text)
      throw new PromQLError(err.message, sub.originalOffset(err.offset));
    throw err;
  }
}

/** The lezer syntax tree of `text`, or a PromQLError at the first syntax error. */
export function syntaxTree(text: string): SyntaxNode {
  const top = parser.parse(text).topNode;
  let error: SyntaxNode | undefined;
  top.cursor().iterate((n) => {
    if (error) return false;
    if (n.type.isError) error = n.node;
    return undefined;
  });
  if (error) {
    const at = error.from;
    const rest = text.slice(at).trimStart();
    if (rest === "") throw new PromQLError("unexpected end of input", text.length);
    const token = rest.match(/^(\w+|\S)/)?.[0] ?? rest[0];
    const prev = error.prevSibling;
    if (token === "(" && prev?.name === "Identifier")
      throw new PromQLError(`unknown function "${text.slice(prev.from, prev.to)}"`, prev.from);
    throw new PromQLError(`unexpected "${token}"`, text.indexOf(rest[0]!, at));
  }
  return top;
}

const AGGREGATE_OPS: ReadonlySet<string> = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "group",
  "quantile",
  "topk",
  "bottomk",
  "stddev",
  "stdvar",
]);
const PARAM_AGGREGATES: ReadonlySet<string> = new Set(["quantile", "topk", "bottomk"]);

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: "^",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Add: "+",
  Sub: "-",
  Eql: "==",
  Neq: "!=",
  Gtr: ">",
  Lss: "<",
  Gte: ">=",
  Lte: "<=",
  And: "and",
  Or: "or",
  Unless: "unless",
};
const COMPARISONS: ReadonlySet<string> = new Set(["==", "!=", ">", "<", ">=", "<="]);
const SET_OPS: ReadonlySet<string> = new Set(["and", "or", "unless"]);

const MATCH_OPS: Readonly<Record<string, MatchOp>> = {
  EqlSingle: "=",
  Neq: "!=",
  EqlRegex: "=~",
  NeqRegex: "!~",
};

/** Syntax nodes that are expressions (everything else in a node's children is a keyword or modifier). */
const EXPR_NODES: ReadonlySet<string> = new Set([
  "AggregateExpr",
  "BinaryExpr",
  "FunctionCall",
  "MatrixSelector",
  "NumberDurationLiteral",
  "OffsetExpr",
  "ParenExpr",
  "StringLiteral",
  "SubqueryExpr",
  "UnaryExpr",
  "VectorSelector",
  "StepInvariantExpr",
  "AnchoredExpr",
  "SmoothedExpr",
]);

class Builder {
  constructor(private readonly text: string) {}

  build(): PromExpr {
    const top = syntaxTree(this.text);
    const exprs = this.exprChildren(top);
    if (exprs.length !== 1) throw new PromQLError("no expression found in input", 0);
    return this.expr(exprs[0]!);
  }

  private src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  private children(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== "LineComment") out.push(c);
    return out;
  }

  private exprChildren(n: SyntaxNode): SyntaxNode[] {
    return this.children(n).filter((c) => EXPR_NODES.has(c.name));
  }

  private expr(n: SyntaxNode): PromExpr {
    switch (n.name) {
      case "NumberDurationLiteral":
        return this.number(n);
      case "StringLiteral":
        return { kind: "string", value: unquote(this.src(n), n.from), pos: n.from };
      case "ParenExpr":
        return { kind: "paren", expr: this.single(n), pos: n.from };
      case "VectorSelector":
        return this.vectorSelector(n);
      case "MatrixSelector":
        return this.matrixSelector(n);
      case "OffsetExpr":
        return this.offset(n);
      case "FunctionCall":
        return this.call(n);
      case "AggregateExpr":
        return this.aggregate(n);
      case "BinaryExpr":
        return this.binary(n);
      case "UnaryExpr":
        return this.unary(n);
      case "SubqueryExpr":
        throw new PromQLError("subqueries are not supported by capsim's evaluator", n.from);
      case "StepInvariantExpr":
        throw new PromQLError("the @ modifier is not supported by capsim's evaluator", n.from);
      default:
        throw new PromQLError(`unsupported expression "${this.src(n)}"`, n.from);
    }
  }

  private single(n: SyntaxNode): PromExpr {
    const exprs = this.exprChildren(n);
    if (exprs.length !== 1) throw new PromQLError("expected one expression", n.from);
    return this.expr(exprs[0]!);
  }

  private number(n: SyntaxNode): PromExpr {
    const text = this.src(n);
    if (/[0-9](ms|[ywdhms])$/.test(text))
      throw new PromQLError(`unexpected duration "${text}" where a number is expected`, n.from);
    return { kind: "number", value: parseNumber(text, n.from), pos: n.from };
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    const matchers: LabelMatcher[] = [];
    for (const c of this.children(n)) {
      if (c.name === "Identifier" || c.name === "MetricName")
        matchers.push({ name: "__name__", op: "=", value: this.src(c) });
      else if (c.name === "LabelMatchers") {
        for (const m of this.children(c)) matchers.push(this.labelMatcher(m));
      }
    }
    const named = matchers.filter((m) => m.name === "__name__").length;
    if (named > 1 && /^[A-Za-z_:]/.test(this.src(n)))
      throw new PromQLError("metric name must not be set twice", n.from);
    if (!matchers.some((m) => !matches(m, "")))
      throw new PromQLError("vector selector must contain at least one non-empty matcher", n.from);
    return { kind: "selector", matchers, offsetSeconds: 0, pos: n.from };
  }

  private labelMatcher(m: SyntaxNode): LabelMatcher {
    if (m.name !== "UnquotedLabelMatcher")
      throw new PromQLError("quoted label names need Prometheus 3; not supported", m.from);
    const name = m.getChild("LabelName");
    const op = m.getChild("MatchOp")?.firstChild;
    const value = m.getChild("StringLiteral");
    if (!name || !op || !value) throw new PromQLError("malformed label matcher", m.from);
    return labelMatcher(
      this.src(name),
      MATCH_OPS[op.name]!,
      unquote(this.src(value), value.from),
      value.from,
    );
  }

  private matrixSelector(n: SyntaxNode): PromExpr {
    const inner = n.getChild("VectorSelector");
    const duration = n.getChild("DurationExpr");
    if (!inner) throw new PromQLError("ranges only allowed for vector selectors", n.from);
    if (!duration) throw new PromQLError("missing range duration", n.from);
    return {
      kind: "range",
      selector: this.vectorSelector(inner),
      rangeSeconds: this.duration(duration) / 1000,
      pos: n.from,
    };
  }

  /** A plain duration literal; Prometheus 3's duration arithmetic is refused. */
  private duration(d: SyntaxNode): number {
    const lit = d.firstChild;
    if (!lit || lit.nextSibling || lit.name !== "NumberDurationLiteralInDurationContext")
      throw new PromQLError(`unsupported duration expression "${this.src(d)}"`, d.from);
    const text = this.src(lit);
    if (!/[a-z]$/.test(text)) throw new PromQLError(`missing unit character in duration "${text}"`, lit.from);
    return parseDurationMs(text, lit.from);
  }

  private offset(n: SyntaxNode): PromExpr {
    const target = this.exprChildren(n)[0];
    const d = n.getChild("OffsetDurationExpr");
    if (!target || !d) throw new PromQLError("malformed offset", n.from);
    let sign = 1;
    let dur = d;
    if (dur.firstChild?.name === "UnaryOp") {
      sign = this.src(dur.firstChild) === "-" ? -1 : 1;
      const inner = dur.getChild("OffsetDurationExpr");
      if (!inner) throw new PromQLError("malformed offset", d.from);
      dur = inner;
    }
    const seconds = (sign * this.duration(dur)) / 1000;
    const e = this.expr(target);
    if (e.kind === "selector") {
      if (e.offsetSeconds !== 0) throw new PromQLError("offset may not be set multiple times", d.from);
      return { ...e, offsetSeconds: seconds };
    }
    if (e.kind === "range") {
      if (e.selector.offsetSeconds !== 0)
        throw new PromQLError("offset may not be set multiple times", d.from);
      return { ...e, selector: { ...e.selector, offsetSeconds: seconds } };
    }
    throw new PromQLError(
      "offset modifier must be preceded by an instant vector selector or range vector selector",
      n.from,
    );
  }

  private call(n: SyntaxNode): PromExpr {
    const ident = n.getChild("FunctionIdentifier");
    const body = n.getChild("FunctionCallBody");
    if (!ident || !body) throw new PromQLError("malformed function call", n.from);
    const func = this.src(ident);
    const sig = FUNCTIONS[func];
    if (!sig) throw new PromQLError(`function "${func}" is not supported by capsim's evaluator`, n.from);
    const args = this.exprChildren(body).map((a) => this.expr(a));
    const min = sig.args.length - (sig.optional ?? 0);
    if (args.length < min || args.length > sig.args.length)
      throw new PromQLError(
        `expected ${min === sig.args.length ? min : `${min} to ${sig.args.length}`} argument(s) in call to "${func}", got ${args.length}`,
        n.from,
      );
    args.forEach((a, i) => {
      expectType(a, sig.args[i]!, `call to function "${func}"`);
    });
    return { kind: "call", func, args, pos: n.from };
  }

  private aggregate(n: SyntaxNode): PromExpr {
    const opNode = n.getChild("AggregateOp");
    const body = n.getChild("FunctionCallBody");
    if (!opNode || !body) throw new PromQLError("malformed aggregation", n.from);
    const op = this.src(opNode);
    if (!AGGREGATE_OPS.has(op))
      throw new PromQLError(`aggregation "${op}" is not supported by capsim's evaluator`, n.from);
    const modifier = n.getChild("AggregateModifier");
    const grouping = modifier ? this.groupingLabels(modifier.getChild("GroupingLabels")) : [];
    const without = modifier?.firstChild?.name === "Without";
    const args = this.exprChildren(body).map((a) => this.expr(a));
    const wanted = PARAM_AGGREGATES.has(op) ? 2 : 1;
    if (args.length !== wanted)
      throw new PromQLError(
        `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`,
        body.from,
      );
    const expr = args[wanted - 1]!;
    expectType(expr, "vector", "aggregation expression");
    const param = wanted === 2 ? args[0]! : undefined;
    if (param) expectType(param, "scalar", "aggregation parameter");
    return { kind: "aggregate", op: op as AggregateOp, param, expr, grouping, without, pos: n.from };
  }

  private groupingLabels(g: SyntaxNode | null): string[] {
    if (!g) return [];
    return this.children(g).map((c) => {
      if (c.name !== "LabelName")
        throw new PromQLError("quoted label names need Prometheus 3; not supported", c.from);
      return this.src(c);
    });
  }

  private binary(n: SyntaxNode): PromExpr {
    const parts = this.children(n);
    const exprs = parts.filter((c) => EXPR_NODES.has(c.name));
    const opNode = parts.find((c) => c.name in BINARY_OPS || c.name === "Atan2");
    if (exprs.length !== 2 || !opNode) throw new PromQLError("malformed binary expression", n.from);
    if (opNode.name === "Atan2")
      throw new PromQLError("atan2 is not supported by capsim's evaluator", opNode.from);
    const op = BINARY_OPS[opNode.name]!;
    const returnBool = parts.some((c) => c.name === "BoolModifier");
    const lhsNode = exprs[0]!;
    // lezer reads "-2 ^ 2" as (-2)^2; Prometheus' unary minus binds looser than ^, giving -(2^2).
    const signed = op === "^" && lhsNode.name === "NumberDurationLiteral" && /^[-+]/.test(this.src(lhsNode));
    let lhs = this.expr(lhsNode);
    const rhs = this.expr(exprs[1]!);
    if (signed && lhs.kind === "number") {
      const sign = this.src(lhsNode)[0] as "-" | "+";
      lhs = { ...lhs, value: Math.abs(lhs.value) };
      const pow = this.checkedBinary(n, op, lhs, rhs, returnBool, parts);
      return { kind: "unary", op: sign, expr: pow, pos: n.from };
    }
    return this.checkedBinary(n, op, lhs, rhs, returnBool, parts);
  }

  private checkedBinary(
    n: SyntaxNode,
    op: BinaryOp,
    lhs: PromExpr,
    rhs: PromExpr,
    returnBool: boolean,
    parts: SyntaxNode[],
  ): PromExpr {
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [t, e] of [
      [lt, lhs],
      [rt, rhs],
    ] as const)
      if (t !== "scalar" && t !== "vector")
        throw new PromQLError("binary expression must contain only scalar and instant vector types", e.pos);
    const comparison = COMPARISONS.has(op);
    if (returnBool && !comparison)
      throw new PromQLError("bool modifier can only be used on comparison operators", n.from);
    if (comparison && lt === "scalar" && rt === "scalar" && !returnBool)
      throw new PromQLError("comparisons between scalars must use BOOL modifier", n.from);
    const set = SET_OPS.has(op);
    if (set && (lt === "scalar" || rt === "scalar"))
      throw new PromQLError(`set operator "${op}" not allowed in binary scalar expression`, n.from);
    const clause = parts.find((c) => c.name === "MatchingModifierClause");
    if (clause && (lt !== "vector" || rt !== "vector"))
      throw new PromQLError("vector matching only allowed between instant vectors", clause.from);
    const matching = lt === "vector" && rt === "vector" ? this.matching(clause, op, set) : undefined;
    return { kind: "binary", op, lhs, rhs, returnBool, matching, pos: n.from };
  }

  private matching(clause: SyntaxNode | undefined, op: BinaryOp, set: boolean): VectorMatching {
    if (!clause) return { card: set ? "many-to-many" : "one-to-one", on: false, labels: [], include: [] };
    const groups = clause.getChildren("GroupingLabels");
    const on = clause.getChild("On") !== null;
    const labels = this.groupingLabels(groups[0] ?? null);
    const left = clause.getChild("GroupLeft");
    const right = clause.getChild("GroupRight");
    let card: Cardinality = set ? "many-to-many" : "one-to-one";
    let include: string[] = [];
    if (left || right) {
      if (set) throw new PromQLError(`no grouping allowed for "${op}" operation`, clause.from);
      card = left ? "many-to-one" : "one-to-many";
      include = this.groupingLabels(groups[1] ?? null);
      for (const l of include)
        if (on && labels.includes(l))
          throw new PromQLError(`label "${l}" must not occur in ON and GROUP clause at once`, clause.from);
    }
    return { card, on, labels, include };
  }

  private unary(n: SyntaxNode): PromExpr {
    const opNode = n.getChild("UnaryOp");
    const expr = this.single(n);
    const t = typeOf(expr);
    if (t !== "scalar" && t !== "vector")
      throw new PromQLError(
        "unary expression only allowed on expressions of type scalar or instant vector",
        n.from,
      );
    return { kind: "unary", op: opNode && this.src(opNode) === "-" ? "-" : "+", expr, pos: n.from };
  }
}

function expectType(e: PromExpr, want: string, context: string): void {
  const got = typeOf(e);
  if (got !== want)
    throw new PromQLError(`expected type ${typeName(want)} in ${context}, got ${typeName(got)}`, e.pos);
}

function typeName(t: string): string {
  return t === "vector" ? "instant vector" : t === "matrix" ? "range vector" : t;
}

/** A label matcher; regexes are anchored at both ends as Prometheus anchors them. */
export function labelMatcher(name: string, op: MatchOp, value: string, pos: number): LabelMatcher {
  if (op !== "=~" && op !== "!~") return { name, op, value };
  try {
    return { name, op, value, regex: new RegExp(`^(?:${value.replace(/\(\?P</g, "(?<")})$`) };
  } catch (err) {
    throw new PromQLError(`invalid regular expression "${value}": ${(err as Error).message}`, pos);
  }
}

/** Whether a label value (empty when the label is missing) satisfies the matcher. */
export function matches(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return m.regex!.test(value);
    case "!~":
      return !m.regex!.test(value);
  }
}
