import { createHash } from "node:crypto";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { showControls } from "./escape.js";

export interface RenderedPlot {
  /** The chart as SVG markup; text and attributes are escaped by the DOM serializer. */
  svg: string;
  /** Pixel mapping of the x scale, for the hover layer (absent for non-linear x). */
  xDomain?: [number, number];
  xRange?: [number, number];
  yRange?: [number, number];
}

/** Renders an Observable Plot chart on the server with linkedom's DOM, so it needs no JavaScript to show. */
export function renderPlot(options: Plot.PlotOptions): RenderedPlot {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const chart = Plot.plot({ ...options, document } as Plot.PlotOptions);
  const x = chart.scale("x");
  const y = chart.scale("y");
  const pair = (v: unknown): [number, number] | undefined => {
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [a, b] = v as unknown[];
    return typeof a === "number" && typeof b === "number" ? [a, b] : undefined;
  };
  return {
    svg: showControls(uniqueIds(chart.outerHTML)),
    xDomain: x?.type === "linear" ? pair(x.domain) : undefined,
    xRange: pair(x?.range),
    yRange: pair(y?.range),
  };
}

/**
 * Plot numbers clip paths with a process-wide counter, and a page holds many charts: the ids are
 * renumbered from 1 per chart and prefixed with a hash of the chart, so they are unique on the page
 * and the same on every run.
 */
function uniqueIds(svg: string): string {
  const order = new Map<string, number>();
  const local = svg.replace(/plot-clip-(\d+)/g, (_, n: string) => {
    if (!order.has(n)) order.set(n, order.size + 1);
    return `plot-clip-${order.get(n)}`;
  });
  const prefix = createHash("sha256").update(local).digest("hex").slice(0, 10);
  return local.replace(/plot-clip-(\d+)/g, `plot-clip-${prefix}-$1`);
}

/** Categorical colours (Observable 10), assigned in order so legends and lines agree without a legend scale. */
export const PALETTE: readonly string[] = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

export const paletteColor = (i: number): string => PALETTE[i % PALETTE.length]!;
