import * as Plot from "@observablehq/plot";
import { parseJsonWithSchema } from "../../../input/jsonInput.js";
import { inputLimits } from "../../../input/limits.js";
import { readInputText } from "../../../input/readInput.js";
import { formatNumber } from "../../textSummary.js";
import { displayPath } from "../displayPath.js";
import { escapeHtml } from "../escape.js";
import { figureHtml, legendHtml } from "../figure.js";
import { htmlPage } from "../page.js";
import { renderPlot } from "../plotSvg.js";
import { htmlTable, num } from "../table.js";
import { type CompareData, type CompareRow, compareSchema, toleranceBand } from "./compareData.js";

const PASS = "#1b7f3b";
const FAIL = "#c62828";
const MEASURED = "#1d2230";
const SIMULATED = "#4269d0";

export function readCompare(file: string): CompareData {
  // A regular file of bounded size: a `.json` naming /dev/zero or a pipe is refused, not read for ever.
  const text = readInputText(file, { what: "comparison", maxBytes: inputLimits.runOutputBytes });
  return parseJsonWithSchema(text, file, compareSchema);
}

const label = (r: CompareRow) => `${r.metric} @ ${r.stage ?? "all"}`;
const measuredText = (r: CompareRow) =>
  "value" in r.measured
    ? formatNumber(r.measured.value, 4)
    : `${formatNumber(r.measured.range[0], 4)} .. ${formatNumber(r.measured.range[1], 4)}`;
const toleranceText = (r: CompareRow) =>
  [
    r.tolerance.relative !== undefined ? `±${formatNumber(r.tolerance.relative * 100, 3)} %` : "",
    r.tolerance.absolute !== undefined
      ? `±${formatNumber(r.tolerance.absolute, 4)}${r.unit ? ` ${r.unit}` : ""}`
      : "",
  ]
    .filter(Boolean)
    .join(" or ");
const errorText = (r: CompareRow) =>
  r.error === null ? "-" : `${r.error >= 0 ? "+" : ""}${formatNumber(r.error * 100, 3)} %`;

/** One figure: the tolerance band (green, red when failed), measured value or range, simulated mean and CI. */
function rowChart(r: CompareRow, index: number): string {
  const band = toleranceBand(r);
  const ci = r.simulated.ci95;
  const measured = "value" in r.measured ? [r.measured.value, r.measured.value] : r.measured.range;
  const values = [
    ...(band ?? []),
    ...measured,
    ...(ci ?? []),
    ...(r.simulated.mean !== null ? [r.simulated.mean] : []),
  ];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.12;
  const fail = r.verdict === "fail";
  const marks: Plot.Markish[] = [
    ...(band
      ? [
          Plot.rectX([band], {
            x1: (b: number[]) => b[0],
            x2: (b: number[]) => b[1],
            fill: fail ? FAIL : PASS,
            fillOpacity: 0.13,
          }),
        ]
      : []),
    Plot.rectX([measured], {
      x1: (m: number[]) => m[0],
      x2: (m: number[]) => m[1],
      y1: 0.1,
      y2: 0.45,
      fill: MEASURED,
      fillOpacity: 0.25,
    }),
    Plot.ruleX(measured, { y1: 0.05, y2: 0.5, stroke: MEASURED, strokeWidth: 2 }),
  ];
  if (ci)
    marks.push(
      Plot.link([ci], {
        x1: (c: number[]) => c[0],
        x2: (c: number[]) => c[1],
        y1: 0.75,
        y2: 0.75,
        stroke: SIMULATED,
        strokeWidth: 2,
      }),
    );
  if (ci) marks.push(Plot.ruleX(ci, { y1: 0.62, y2: 0.88, stroke: SIMULATED, strokeWidth: 2 }));
  if (r.simulated.mean !== null) {
    marks.push(
      Plot.dot([r.simulated.mean], {
        x: (m: number) => m,
        y: 0.75,
        r: 5,
        fill: fail ? FAIL : SIMULATED,
        stroke: "white",
      }),
    );
  }
  const plot = renderPlot({
    width: 520,
    height: 88,
    marginLeft: 16,
    marginRight: 16,
    marginTop: 6,
    x: { domain: [lo - pad, hi + pad], label: r.unit ?? null, grid: true },
    y: { domain: [1, 0], axis: null },
    marks,
  });
  const simulated =
    r.simulated.mean === null
      ? "no simulated value"
      : `simulated ${formatNumber(r.simulated.mean, 4)}${ci ? ` (95 % CI ${formatNumber(ci[0], 4)} .. ${formatNumber(ci[1], 4)})` : ""}`;
  return figureHtml({
    id: `compare-${index}`,
    title: `${fail ? "FAIL" : "pass"} · ${label(r)}`,
    unit: r.unit,
    svg: plot.svg,
    note: `${simulated} vs measured ${measuredText(r)}, tolerance ${toleranceText(r)}, error ${errorText(r)}${r.note ? `. ${r.note}` : ""}`,
  });
}

/** The comparison report: one small chart per figure, failures first-class, and the table. */
export function renderCompareReport(data: CompareData, source: string): string {
  const failed = data.rows.filter((r) => r.verdict === "fail");
  const callout =
    data.rows.length === 0
      ? `<div class="callout">No figures were compared.</div>`
      : `<div class="callout ${failed.length > 0 ? "fail" : "pass"}"><strong>${escapeHtml(
          `${data.rows.length - failed.length} of ${data.rows.length} figures within tolerance`,
        )}</strong>${
          failed.length > 0
            ? `; failed: ${failed.map((r) => `<code>${escapeHtml(label(r))}</code>`).join(", ")}`
            : ""
        }.</div>`;
  const body = [
    callout,
    legendHtml([
      { label: "tolerance around the simulated mean (pass)", color: PASS, shape: "box" },
      { label: "tolerance (fail)", color: FAIL, shape: "box" },
      { label: "measured value or range", color: MEASURED, shape: "box" },
      { label: "simulated mean and 95 % CI", color: SIMULATED, shape: "line" },
    ]),
    `<p class="note">The band is the tolerance around the simulated mean: a measured value passes inside it, a measured range when it overlaps it.</p>`,
    `<div class="grid">${data.rows.map(rowChart).join("\n")}</div>`,
    `<h2 id="table">Figures</h2>`,
    htmlTable(
      ["metric", "stage", "unit", "simulated", "95 % CI", "measured", "tolerance", "error", "verdict"],
      data.rows.map((r) => [
        r.metric,
        r.stage ?? "all",
        r.unit ?? "",
        num(formatNumber(r.simulated.mean, 4)),
        num(
          r.simulated.ci95
            ? `${formatNumber(r.simulated.ci95[0], 4)} .. ${formatNumber(r.simulated.ci95[1], 4)}`
            : "-",
        ),
        num(measuredText(r)),
        num(toleranceText(r)),
        num(errorText(r)),
        { text: r.verdict, className: r.verdict === "pass" ? "verdict-pass" : "verdict-fail" },
      ]),
    ),
    ...(data.not_simulated && data.not_simulated.length > 0
      ? [
          `<h2 id="not-simulated">Measured but not simulated</h2>`,
          htmlTable(
            ["metric", "stage", "reason"],
            data.not_simulated.map((r) => [
              r.metric,
              r.stage ?? "all",
              { text: r.reason, className: "wrap" },
            ]),
          ),
        ]
      : []),
  ];
  const subtitle = [
    data.scenario ? `scenario ${data.scenario}` : "",
    data.measured_source ? `measured ${data.measured_source}` : "",
    `from ${displayPath(source)}`,
  ]
    .filter(Boolean)
    .join(" · ");
  return htmlPage({ title: `capsim comparison: simulated vs measured`, subtitle, body: body.join("\n") });
}
