import * as Plot from "@observablehq/plot";
import { formatNumber } from "../../textSummary.js";
import { displayPath } from "../displayPath.js";
import { escapeHtml } from "../escape.js";
import { figureHtml, type LegendItem, legendHtml } from "../figure.js";
import { htmlPage } from "../page.js";
import { paletteColor, renderPlot } from "../plotSvg.js";
import { flattenConfig } from "../run/configRows.js";
import { htmlTable, num } from "../table.js";
import { type AsymptoticBounds, asymptoticBounds } from "./bounds.js";
import { chooseAxes, chooseThroughput, okPoints, type SweepAxes } from "./sweepAxes.js";
import { isOk, type SweepPoint, type SweepTable } from "./sweepData.js";

export interface SweepReportOptions {
  /** The parameter on the x axis (default: the first that varies). */
  x?: string;
  /** The figure bounds are drawn on, `<metric>@<stage|all>`. */
  throughput?: string;
}

const FAIL = "#c62828";

interface GroupStyle {
  label: string;
  color: string;
  bounds?: AsymptoticBounds;
}

/** The sweep report: each figure against the varied parameter, bounds and knee, bottlenecks per point. */
export function renderSweepReport(table: SweepTable, opts: SweepReportOptions = {}): string {
  const axes = chooseAxes(table, opts.x);
  const throughput = chooseThroughput(table, opts.throughput);
  const styles: GroupStyle[] = axes.groups.map((g, i) => ({
    label: g.label || "all points",
    color: paletteColor(i),
    bounds:
      axes.xIsPopulation && throughput
        ? asymptoticBounds(
            okPoints(g).map((p) => ({
              population: Number(p.params.get(axes.x)),
              throughputPerSecond: p.figures.get(throughput)?.mean ?? Number.NaN,
              utilization: p.utilization,
            })),
          )
        : undefined,
  }));
  const failed = table.points.filter((p) => !isOk(p));
  const legend: LegendItem[] = styles.map((s) => ({ label: s.label, color: s.color, shape: "line" }));
  if (failed.length > 0) legend.push({ label: "failed point", color: FAIL, shape: "box" });

  const figureCharts = table.figures.map((key, i) =>
    figureChart(table, axes, styles, key, i, key === throughput ? "throughput" : "plain"),
  );
  const body = [
    `<div class="callout${failed.length > 0 ? " fail" : ""}">${escapeHtml(
      `${table.points.length} points, ${failed.length} failed. x axis: ${axes.x}` +
        (axes.groupBy.length > 0 ? `; one line per ${axes.groupBy.join(" × ")}` : "") +
        ".",
    )}</div>`,
    boundsSection(axes, styles, throughput, xExtent(table, axes)[1]),
    `<h2 id="figures">Figures against ${escapeHtml(axes.x)}</h2>`,
    `<p class="note">Mean over replications with the 95 % confidence band; the dashed vertical line is the knee N* where the throughput bounds cross.</p>`,
    styles.length > 1 || failed.length > 0 ? legendHtml(legend) : "",
    `<div class="grid">${figureCharts.join("\n")}</div>`,
    `<h2 id="utilization">Utilisation per resource</h2>`,
    `<div class="grid">${axes.groups.map((g, i) => utilizationChart(table, axes, g.points, styles[i]!, i)).join("\n")}</div>`,
    `<h2 id="points">Points</h2>`,
    pointsTable(table, axes),
    ...(table.meta !== undefined
      ? [
          `<details id="meta"><summary>Sweep definition (${escapeHtml(`${table.file}.meta.json`)})</summary>`,
          htmlTable(
            ["key", "value"],
            flattenConfig(table.meta).map((r) => [r.path, { text: r.value, className: "wrap" }]),
          ),
          `</details>`,
        ]
      : []),
  ];
  const meta = table.meta as { scenario?: { name?: unknown } } | undefined;
  const scenario = typeof meta?.scenario?.name === "string" ? `${meta.scenario.name}, ` : "";
  return htmlPage({
    title: `capsim sweep report: ${scenario}${axes.x}`,
    subtitle: `from ${displayPath(table.file)} · ${table.params.length} parameter(s) varied: ${table.params.join(", ")}`,
    body: body.join("\n"),
  });
}

function boundsSection(
  axes: SweepAxes,
  styles: GroupStyle[],
  throughput: string | undefined,
  sweptMax: number,
): string {
  const head = `<h2 id="bounds">Asymptotic bounds</h2>`;
  if (!axes.xIsPopulation) {
    return `${head}<p class="note">${escapeHtml(`Bounds need a population on the x axis (users or workspaces); ${axes.x} is not one.`)}</p>`;
  }
  if (!throughput) {
    return `${head}<p class="note">No throughput figure (API requests per second) in this sweep; pass --throughput to choose one.</p>`;
  }
  const rows = styles.map((s) => {
    const b = s.bounds;
    return b
      ? [
          s.label,
          num(formatNumber(b.cycleSeconds, 4)),
          b.bottleneck,
          num(formatNumber(b.maxThroughputPerSecond, 4)),
          num(
            `${formatNumber(b.kneePopulation, 4)}${b.kneePopulation > sweptMax ? " (beyond the sweep)" : ""}`,
          ),
          num(String(b.points)),
        ]
      : [s.label, "-", "-", "-", "-", "fewer than 2 usable points"];
  });
  const demandRows = styles.flatMap((s) =>
    (s.bounds?.demands ?? []).map((d) => [
      s.label,
      d.resource,
      num(formatNumber(d.perServerDemandSeconds * 1000, 4)),
      num(formatNumber(1 / d.perServerDemandSeconds, 4)),
    ]),
  );
  return [
    head,
    `<p class="note">${escapeHtml(
      `On ${throughput}: X(N) ≤ min(N/(D+Z), 1/D_max). D_k = U_k/X per resource (utilisation law, least squares over the points), D+Z = the smallest N/X observed, knee N* = (D+Z)/D_max. See docs/report.md.`,
    )}</p>`,
    htmlTable(["line", "D+Z (s)", "bottleneck", "1/D_max (req/s)", "knee N*", "points"], rows),
    `<details><summary>Demand per resource</summary>${htmlTable(["line", "resource", "D_k per server (ms)", "saturates at (req/s)"], demandRows)}</details>`,
  ].join("\n");
}

/** The swept range of x (all points, failed ones too); [0, 1] for a categorical x. */
function xExtent(table: SweepTable, axes: SweepAxes): [number, number] {
  if (!axes.numericX) return [0, 1];
  const xs = table.points.map((p) => Number(p.params.get(axes.x)));
  return [Math.min(...xs), Math.max(...xs)];
}

function xValue(axes: SweepAxes, p: SweepPoint): number | string {
  const v = p.params.get(axes.x) ?? "";
  return axes.numericX ? Number(v) : v;
}

function figureChart(
  table: SweepTable,
  axes: SweepAxes,
  styles: GroupStyle[],
  key: string,
  index: number,
  kind: "throughput" | "plain",
): string {
  const rows = axes.groups.flatMap((g, gi) =>
    okPoints(g).flatMap((p) => {
      const f = p.figures.get(key);
      return f && f.mean !== null
        ? [
            {
              x: xValue(axes, p),
              mean: f.mean,
              lo: f.lo ?? f.mean,
              hi: f.hi ?? f.mean,
              color: styles[gi]!.color,
              g: gi,
            },
          ]
        : [];
    }),
  );
  const failedX = table.points.filter((p) => !isOk(p)).map((p) => ({ x: xValue(axes, p) }));
  const marks: Plot.Markish[] = [
    Plot.areaY(rows, { x: "x", y1: "lo", y2: "hi", z: "g", fill: "color", fillOpacity: 0.16 }),
    Plot.lineY(rows, { x: "x", y: "mean", z: "g", stroke: "color", strokeWidth: 1.5 }),
    Plot.dot(rows, { x: "x", y: "mean", fill: "color", r: 2.5 }),
    Plot.text(failedX, { x: "x", text: () => "✕", frameAnchor: "bottom", dy: -4, fill: FAIL, fontSize: 12 }),
  ];
  let yMax = Math.max(0, ...rows.map((r) => r.hi));
  const yMin = Math.min(0, ...rows.map((r) => r.lo));
  const [xLo, xHi] = xExtent(table, axes);
  // A knee beyond the swept range is reported in the bounds table, not drawn (it would squash the data).
  const knees = styles.filter(
    (s) => s.bounds !== undefined && axes.numericX && s.bounds.kneePopulation <= xHi,
  );
  const bounded = styles.filter((s) => s.bounds !== undefined && axes.numericX);
  if (kind === "throughput") {
    const xMax = xHi;
    for (const s of bounded) {
      const b = s.bounds!;
      const line = [0, Math.min(b.kneePopulation, xMax), xMax].map((n) => ({
        n,
        x: Math.min(n / b.cycleSeconds, b.maxThroughputPerSecond),
      }));
      marks.push(
        Plot.lineY(line, {
          x: "n",
          y: "x",
          stroke: s.color,
          strokeDasharray: "2,3",
          strokeOpacity: 0.9,
          clip: true,
        }),
      );
      if (!knees.includes(s)) continue;
      yMax = Math.max(yMax, b.maxThroughputPerSecond);
      marks.push(
        Plot.text([b], {
          x: 0,
          y: b.maxThroughputPerSecond,
          text: () => `1/D_max = ${formatNumber(b.maxThroughputPerSecond, 3)} (${b.bottleneck})`,
          textAnchor: "start",
          dx: 4,
          dy: -5,
          fill: s.color,
          fontSize: 9,
        }),
      );
    }
  }
  knees.forEach((s, row) => {
    const b = s.bounds!;
    marks.push(
      Plot.ruleX([b.kneePopulation], { stroke: s.color, strokeDasharray: "5,4", strokeOpacity: 0.8 }),
      Plot.text([b.kneePopulation], {
        x: (n: number) => n,
        frameAnchor: "top",
        text: (n: number) => `N* ≈ ${formatNumber(n, 3)}`,
        textAnchor: "start",
        dx: 3,
        dy: 2 + row * 11,
        fill: s.color,
        fontSize: 9,
      }),
    );
  });
  const plot = renderPlot({
    width: 520,
    height: 230,
    marginLeft: 56,
    marginRight: 16,
    marginTop: 24,
    x: axes.numericX ? { label: axes.x, domain: [xLo, xHi], nice: true } : { label: axes.x, type: "point" },
    y: { label: null, grid: true, domain: [yMin, yMax * 1.08 || 1] },
    marks: [Plot.ruleY([0]), ...marks],
  });
  return figureHtml({
    id: `sweep-figure-${index}`,
    title: key.replace("@", " @ "),
    svg: plot.svg,
    note: kind === "throughput" ? "dotted: asymptotic bounds N/(D+Z) and 1/D_max" : undefined,
  });
}

function utilizationChart(
  table: SweepTable,
  axes: SweepAxes,
  points: SweepPoint[],
  style: GroupStyle,
  index: number,
): string {
  const rows = points.filter(isOk).flatMap((p) =>
    table.resources.flatMap((r, ri) => {
      const u = p.utilization.get(r);
      return u === null || u === undefined ? [] : [{ x: xValue(axes, p), u, r, color: paletteColor(ri) }];
    }),
  );
  const marks: Plot.Markish[] = [
    Plot.ruleY([0.8], { stroke: FAIL, strokeDasharray: "4,3" }),
    Plot.lineY(rows, { x: "x", y: "u", z: "r", stroke: "color", strokeWidth: 1.4 }),
    Plot.dot(rows, { x: "x", y: "u", fill: "color", r: 2 }),
  ];
  const [xLo, xHi] = xExtent(table, axes);
  if (style.bounds && axes.numericX && style.bounds.kneePopulation <= xHi) {
    marks.push(Plot.ruleX([style.bounds.kneePopulation], { stroke: style.color, strokeDasharray: "5,4" }));
  }
  const plot = renderPlot({
    width: 520,
    height: 230,
    marginLeft: 56,
    marginRight: 16,
    x: axes.numericX ? { label: axes.x, domain: [xLo, xHi], nice: true } : { label: axes.x, type: "point" },
    y: {
      label: "utilisation",
      grid: true,
      domain: [0, Math.max(1, ...rows.map((r) => r.u))],
      tickFormat: ".0%",
    },
    marks,
  });
  return figureHtml({
    id: `sweep-util-${index}`,
    title: `Utilisation: ${style.label}`,
    svg: plot.svg,
    legend: table.resources.map((r, ri) => ({ label: r, color: paletteColor(ri), shape: "line" })),
  });
}

function pointsTable(table: SweepTable, axes: SweepAxes): string {
  return htmlTable(
    ["point", ...table.params, "bottleneck", "utilisation", "status", "error"],
    table.points.map((p) => [
      p.point,
      ...table.params.map((k) => num(p.params.get(k) ?? "")),
      p.bottleneck,
      num(p.bottleneckUtilization === null ? "-" : `${(p.bottleneckUtilization * 100).toFixed(1)} %`),
      { text: p.status, className: isOk(p) ? "verdict-pass" : "verdict-fail" },
      { text: p.error, className: "wrap" },
    ]),
    `x axis: ${axes.x}`,
  );
}
