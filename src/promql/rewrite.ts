/** Text-level rewrites of PromQL that will be sent to a real Prometheus, and what an expression reads. */
import type { PromExpr, VectorSelector } from "./ast.js";
import { PromQLError } from "./errors.js";
import { unquote } from "./literals.js";
import { labelMatcher, parsePromQL, syntaxTree } from "./parse.js";
import { substituteVars } from "./vars.js";

type SyntaxNode = ReturnType<typeof syntaxTree>;

/** Every variable gets a placeholder value: the rewrite keeps the variables as they are in the text. */
const ANY_VARS = new Proxy({} as Record<string, number>, { get: () => 60 });

/**
 * Adds the matchers of `selector` (e.g. '{namespace="coder"}') to every vector selector of `expr`,
 * leaving the rest of the text as it was. Throws PromQLError when the selector is not `{...}` matchers.
 */
export function withMatchers(expr: string, selector: string): string {
  const matchers = selectorMatchers(selector);
  if (matchers === "") return expr;
  const sub = substituteVars(expr, ANY_VARS);
  const inserts: { at: number; text: string }[] = [];
  syntaxTree(sub.text)
    .cursor()
    .iterate((n) => {
      if (n.name !== "VectorSelector") return undefined;
      const braces = n.node.getChild("LabelMatchers");
      if (!braces) {
        inserts.push({ at: sub.originalOffset(n.to), text: `{${matchers}}` });
        return false;
      }
      const inner = sub.text.slice(braces.from + 1, braces.to - 1).trim();
      const sep = inner === "" ? "" : inner.endsWith(",") ? " " : ", ";
      inserts.push({ at: sub.originalOffset(braces.to - 1), text: sep + matchers });
      return false;
    });
  let out = expr;
  for (const ins of inserts.sort((a, b) => b.at - a.at))
    out = out.slice(0, ins.at) + ins.text + out.slice(ins.at);
  syntaxTree(substituteVars(out, ANY_VARS).text); // still valid PromQL (capsim need not evaluate all of it)
  return out;
}

/** The text of a selector's matchers ('{a="b", c=~"d"}' -> 'a="b", c=~"d"'), validated. */
function selectorMatchers(selector: string): string {
  const text = selector.trim();
  if (text === "" || /^\{\s*\}$/.test(text)) return "";
  if (!text.startsWith("{"))
    throw new PromQLError(
      `selector must be label matchers in braces, such as {namespace="coder"}, got ${JSON.stringify(selector)}`,
      0,
    );
  const top = syntaxTree(text);
  const sel = top.firstChild;
  const braces = sel?.name === "VectorSelector" ? sel.getChild("LabelMatchers") : null;
  if (!sel || sel.nextSibling || !braces || sel.getChild("Identifier") || braces.to !== text.length)
    throw new PromQLError(
      `selector must be label matchers in braces, such as {namespace="coder"}, got ${JSON.stringify(selector)}`,
      0,
    );
  const parts: string[] = [];
  for (let m = braces.firstChild; m; m = m.nextSibling) {
    if (m.name !== "UnquotedLabelMatcher")
      throw new PromQLError("quoted label names need Prometheus 3; not supported", m.from);
    validateMatcher(text, m);
    parts.push(text.slice(m.from, m.to));
  }
  return parts.join(", ");
}

function validateMatcher(text: string, m: SyntaxNode): void {
  const name = m.getChild("LabelName");
  const op = m.getChild("MatchOp");
  const value = m.getChild("StringLiteral");
  if (!name || !op || !value) throw new PromQLError("malformed label matcher", m.from);
  const opText = text.slice(op.from, op.to) as "=" | "!=" | "=~" | "!~";
  labelMatcher(
    text.slice(name.from, name.to),
    opText,
    unquote(text.slice(value.from, value.to), value.from),
    value.from,
  );
}

/** Every vector selector of an expression, a range vector's included, in the order written (one walk of the tree). */
export function vectorSelectors(expr: PromExpr): VectorSelector[] {
  const out: VectorSelector[] = [];
  const visit = (e: PromExpr): void => {
    switch (e.kind) {
      case "selector":
        out.push(e);
        return;
      case "range":
        visit(e.selector);
        return;
      case "call":
        for (const a of e.args) visit(a);
        return;
      case "aggregate":
        if (e.param) visit(e.param);
        visit(e.expr);
        return;
      case "binary":
        visit(e.lhs);
        visit(e.rhs);
        return;
      case "unary":
      case "paren":
        visit(e.expr);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return out;
}

/** Metric names the expression selects by name (selectors with `__name__` equality, written or implied). */
export function metricNamesOf(expr: string | PromExpr): string[] {
  const ast = typeof expr === "string" ? parsePromQL(expr, ANY_VARS) : expr;
  const names = new Set<string>();
  for (const selector of vectorSelectors(ast))
    for (const m of selector.matchers) if (m.name === "__name__" && m.op === "=") names.add(m.value);
  return [...names];
}
