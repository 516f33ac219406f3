import type { VectorSelector } from "../promql/ast.js";
import { parsePromQL, vectorSelectors } from "../promql/index.js";

/** Every vector selector of an expression as series-selector text (`{__name__="x", pod="y"}`), once each. */
export function vectorSelectorsOf(expr: string): string[] {
  return [...new Set(vectorSelectors(parsePromQL(expr)).map(selectorText))];
}

function selectorText(s: VectorSelector): string {
  return `{${s.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(", ")}}`;
}
