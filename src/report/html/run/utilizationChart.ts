import * as Plot from "@observablehq/plot";
import { figureHtml } from "../figure.js";
import { renderPlot } from "../plotSvg.js";
import type { RunSummaryData } from "./runData.js";

const BAR = "#4269d0";
const BACKGROUND = "#27408b";
const BOTTLENECK = "#c62828";
const BOTTLENECK_BACKGROUND = "#7f1d1d";

/**
 * One bar per resource (per-server utilisation over the traffic stages), its background share
 * darker, the 80 % line, and the bottleneck in red with a label.
 */
export function utilizationChartHtml(summary: RunSummaryData): string {
  const bottleneck = summary.bottleneck.resource;
  const rows = summary.resources.map((r) => ({
    name: r.name,
    u: r.utilization,
    bg: Math.min(r.background_utilization, r.utilization),
    isBottleneck: r.name === bottleneck,
    label: `${(r.utilization * 100).toFixed(1)} %${r.name === bottleneck ? "  ◀ bottleneck" : ""}`,
  }));
  const xMax = Math.max(1, ...rows.map((r) => r.u));
  const plot = renderPlot({
    width: 1060,
    height: 40 + rows.length * 28,
    marginLeft: 170,
    marginRight: 140,
    x: { domain: [0, xMax], tickFormat: ".0%", label: "utilisation", grid: true },
    y: { domain: rows.map((r) => r.name), label: null },
    marks: [
      Plot.barX(rows, {
        y: "name",
        x: "u",
        fill: (r: (typeof rows)[number]) => (r.isBottleneck ? BOTTLENECK : BAR),
      }),
      Plot.barX(rows, {
        y: "name",
        x: "bg",
        fill: (r: (typeof rows)[number]) => (r.isBottleneck ? BOTTLENECK_BACKGROUND : BACKGROUND),
      }),
      Plot.ruleX([0.8], { stroke: BOTTLENECK, strokeDasharray: "4,3" }),
      Plot.text([0.8], {
        x: (d: number) => d,
        frameAnchor: "top",
        text: () => "80 %",
        dy: -10,
        fill: BOTTLENECK,
      }),
      Plot.text(rows, {
        y: "name",
        x: "u",
        text: "label",
        textAnchor: "start",
        dx: 5,
        fill: (r: (typeof rows)[number]) => (r.isBottleneck ? BOTTLENECK : "currentColor"),
      }),
      Plot.ruleX([0]),
    ],
  });
  return figureHtml({
    id: "utilization",
    title: "Utilisation per resource over the traffic stages",
    unit: "per server",
    svg: plot.svg,
    legend: [
      { label: "utilisation", color: BAR, shape: "box" },
      { label: "of which background (connections, heartbeats)", color: BACKGROUND, shape: "box" },
      { label: "bottleneck", color: BOTTLENECK, shape: "box" },
    ],
  });
}
