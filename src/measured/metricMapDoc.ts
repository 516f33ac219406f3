import { type FigureReduction, METRIC_MAP } from "./metricMap.js";

function reductionText(reduction: FigureReduction): string {
  switch (reduction.kind) {
    case "quantile":
      return `p${Math.round(reduction.q * 100)} over points`;
    case "histogram_quantile":
      return `histogram_quantile(${reduction.q})`;
    default:
      return reduction.kind;
  }
}

const INPUT_TEXT = { rate: "counter → rate", gauge: "gauge", histogram: "histogram" } as const;

/** The metric map as the Markdown table docs/metrics.md shows (a test keeps the two identical). */
export function metricMapMarkdown(): string {
  const header = [
    "| capsim metric | unit | scope | stages | raw metrics | input | label filter | series (unit) | combine | reduction |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const rows = METRIC_MAP.map((row) =>
    [
      `\`${row.metric}\``,
      row.unit,
      row.scope,
      row.stages ? row.stages.join(", ") : "whole test",
      row.rawMetrics.map((m) => `\`${m}\``).join("<br>"),
      INPUT_TEXT[row.input],
      row.where ? row.where.describe.replaceAll("|", "\\|") : "–",
      `\`${row.series}\` (${row.seriesUnit})`,
      row.combine,
      reductionText(row.reduction),
    ].join(" | "),
  ).map((line) => `| ${line} |`);
  return [...header, ...rows].join("\n");
}
