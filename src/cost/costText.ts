import type { CostSummary } from "./runCost.js";

/** The "Cost per month" block of the text report: components, total, and what they assume. */
export function renderCost(c: CostSummary): string[] {
  const amount = (x: number) =>
    x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const rows = [...Object.entries(c.per_month.components), ["total", c.per_month.total] as const];
  const nameWidth = Math.max(...rows.map(([n]) => n.length));
  const valueWidth = Math.max(...rows.map(([, v]) => amount(v).length));
  return [
    `Cost per month (${c.currency}, ${c.price_table.cloud} list prices, at the simulated load):`,
    ...rows.map(([n, v]) => `  ${n.padEnd(nameWidth)}  ${amount(v).padStart(valueWidth)}`),
    "  assumptions:",
    ...c.assumptions.map((a) => `    - ${a}`),
  ];
}
