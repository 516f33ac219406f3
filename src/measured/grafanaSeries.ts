import type { Answer } from "../figures/answers.js";
import { recipeMetricNames } from "../figures/recipeMetrics.js";
import { FIGURES } from "../figures/table.js";
import type { Series } from "../series/types.js";
import { readGrafanaCsv } from "./grafanaCsv.js";
import type { MeasuredSample } from "./sample.js";
import { SeriesBuilder } from "./seriesBuilder.js";
import { convertUnit } from "./units.js";

export interface GrafanaData {
  series: Series[];
  answers: Answer[];
  /** Columns that are neither a raw metric nor a figure's panel, with how many points each had. */
  unmapped: Map<string, number>;
}

/**
 * A Grafana panel export as data: a column named after a metric a recipe reads is that raw series; a
 * column whose legend is a figure's panel name (`coderd_cpu_vcpu`, `api_rps`, ...) is the evaluated
 * answer of that figure's first recipe, converted to the figure's unit; any other column is unmapped.
 */
export function readGrafanaSeries(text: string, file: string): GrafanaData {
  const samples = readGrafanaCsv(text, file);
  const raw = new SeriesBuilder();
  const panels = new Map<string, SeriesBuilder>();
  const unmapped = new Map<string, number>();
  for (const s of samples) {
    if (s.t === null || s.value === undefined) continue;
    if (recipeMetricNames().has(s.rawMetric)) {
      raw.add({ ...s.labels, __name__: s.rawMetric }, s.t, s.value);
      continue;
    }
    const figure = FIGURES.find((f) => f.panel === s.rawMetric);
    const value = figure ? inUnit(s, figure.unit) : undefined;
    if (value === undefined) {
      unmapped.set(s.rawMetric, (unmapped.get(s.rawMetric) ?? 0) + 1);
      continue;
    }
    const builder = panels.get(s.rawMetric) ?? new SeriesBuilder();
    panels.set(s.rawMetric, builder);
    builder.add(s.labels, s.t, value);
  }
  const answers = [...panels].map(([panel, b]) => ({ query: `panel:${panel}`, series: b.build() }));
  return { series: raw.build(), answers, unmapped };
}

/** A panel value in the figure's unit; a bare number is taken as already in it. */
function inUnit(s: MeasuredSample, unit: string): number | undefined {
  if (s.unit === unit || s.unit === "1") return s.value;
  return convertUnit(s.value!, s.unit, unit);
}
