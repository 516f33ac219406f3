import * as Plot from "@observablehq/plot";
import type { LegendItem } from "../figure.js";

export interface StageSpan {
  name: string;
  start_s: number;
  end_s: number;
}

/** Scale-test stages in capsim's order, each with a fixed colour so every chart shades them alike. */
const STAGE_COLORS: Record<string, string> = {
  prepare: "#9498a0",
  ssh: "#4269d0",
  web_terminal: "#3ca951",
  workspace_apps: "#efb118",
  dashboard: "#a463f2",
  cleanup: "#9c6b4e",
};

export const stageColor = (name: string): string => STAGE_COLORS[name] ?? "#6cc5b0";

export function stageLegend(stages: readonly StageSpan[]): LegendItem[] {
  return stages.map((s) => ({ label: s.name, color: stageColor(s.name), shape: "box" }));
}

/**
 * Translucent bands over each stage's window (x in minutes) with the name at the top; neighbouring
 * labels alternate between two rows so overlapping stages stay legible.
 */
export function stageBandMarks(stages: readonly StageSpan[]): Plot.Markish[] {
  const rows = stages.map((s, i) => ({ ...s, x1: s.start_s / 60, x2: s.end_s / 60, row: i % 2 }));
  const label = (row: number) =>
    Plot.text(
      rows.filter((r) => r.row === row),
      {
        x: "x1",
        text: "name",
        frameAnchor: "top",
        textAnchor: "start",
        dx: 3,
        dy: 3 + row * 11,
        fontSize: 9,
        fill: (r: (typeof rows)[number]) => stageColor(r.name),
      },
    );
  return [
    Plot.rectX(rows, {
      x1: "x1",
      x2: "x2",
      fill: (r: (typeof rows)[number]) => stageColor(r.name),
      fillOpacity: 0.09,
    }),
    label(0),
    label(1),
  ];
}
