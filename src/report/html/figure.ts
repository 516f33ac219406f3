import { escapeHtml, jsonForScript } from "./escape.js";

export interface LegendItem {
  label: string;
  color: string;
  /** A line swatch for series, a box for areas and bars. */
  shape: "line" | "box";
}

export function legendHtml(items: readonly LegendItem[]): string {
  if (items.length === 0) return "";
  const entries = items.map(
    (it) =>
      `<span><span class="sw${it.shape === "line" ? " line" : ""}" style="background:${escapeHtml(it.color)}"></span>${escapeHtml(it.label)}</span>`,
  );
  return `<div class="legend">${entries.join("")}</div>`;
}

export interface HoverData {
  xLabel: string;
  unit: string;
  x: number[];
  xDomain: [number, number];
  xRange: [number, number];
  yRange: [number, number];
  stage?: string[];
  series: { name: string; color: string; values: (number | null)[] }[];
}

export interface FigureParts {
  title: string;
  unit?: string;
  /** Trusted SVG markup from renderPlot. */
  svg: string;
  legend?: readonly LegendItem[];
  note?: string;
  /** Unique id; with hover data the figure gets the crosshair layer. */
  id: string;
  hover?: HoverData;
}

/** One chart with its caption and legend; the hover data rides along as inert JSON. */
export function figureHtml(parts: FigureParts): string {
  const dataId = `hover-${parts.id}`;
  const hoverAttr = parts.hover ? ` data-hover="${escapeHtml(dataId)}"` : "";
  const unit = parts.unit ? ` <span class="unit">(${escapeHtml(parts.unit)})</span>` : "";
  const note = parts.note ? `<div class="note">${escapeHtml(parts.note)}</div>` : "";
  const data = parts.hover
    ? `<script type="application/json" id="${escapeHtml(dataId)}">${jsonForScript(parts.hover)}</script>`
    : "";
  return `<figure class="chart" id="${escapeHtml(parts.id)}"${hoverAttr}>
<figcaption>${escapeHtml(parts.title)}${unit}</figcaption>
${legendHtml(parts.legend ?? [])}${parts.svg}${note}${data}
</figure>`;
}
