import type { PromExpr, VectorSelector } from "../promql/ast.js";
import { parsePromQL } from "../promql/index.js";

/** Every vector selector of an expression as series-selector text (`{__name__="x", pod="y"}`), once each. */
export function vectorSelectorsOf(expr: string): string[] {
  const out = new Set<string>();
  const visit = (e: PromExpr): void => {
    switch (e.kind) {
      case "selector":
        out.add(selectorText(e));
        return;
      case "range":
        out.add(selectorText(e.selector));
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
  visit(parsePromQL(expr));
  return [...out];
}

function selectorText(s: VectorSelector): string {
  return `{${s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(", ")}}`;
}
