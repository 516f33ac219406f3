import * as Plot from "@observablehq/plot";
import { parseSeriesKey } from "../../../series/select.js";
import { figureHtml, type HoverData, type LegendItem } from "../figure.js";
import { paletteColor, renderPlot } from "../plotSvg.js";
import type { RunSummaryData, TimeseriesColumns } from "./runData.js";
import { stageBandMarks } from "./stageBands.js";

interface SeriesSpec {
  column: string;
  label: string;
  /** Multiplier from the CSV's unit to the chart's (utilisation 0..1 → percent). */
  scale?: number;
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: SeriesSpec[];
  /** Horizontal reference lines (capacity, 80 %). */
  rules?: { y: number; label: string; color: string }[];
  note?: string;
}

/** The per-pod columns of a quantity (`name{pod="coder-0"}`), labelled by their pod. */
const perPod = (ts: TimeseriesColumns, name: string): SeriesSpec[] =>
  [...ts.columns.keys()].flatMap((column) => {
    const labels = parseSeriesKey(column);
    return labels?.__name__ === name && labels.pod !== undefined ? [{ column, label: labels.pod }] : [];
  });

/** The run report's time-series panels, the ones a Coder scale test's Grafana dashboard shows. */
export function timeseriesChartSpecs(ts: TimeseriesColumns, summary: RunSummaryData): ChartSpec[] {
  const coderdVcpu = summary.resources.find(
    (r) => r.kind === "cpu" && /^coderd-\d+ cpu$/.test(r.name),
  )?.servers;
  return [
    {
      id: "ts-coderd-cpu",
      title: "coderd CPU per replica",
      unit: "vCPU",
      series: perPod(ts, "coderd_cpu_vcpu"),
      rules: coderdVcpu ? [{ y: coderdVcpu, label: `limit ${coderdVcpu} vCPU`, color: "#c62828" }] : [],
      note: "rate of container_cpu_usage_seconds_total per coderd pod",
    },
    {
      id: "ts-api-rps",
      title: "API requests per second, all replicas",
      unit: "req/s",
      series: [{ column: "api_rps", label: "API RPS" }],
    },
    {
      id: "ts-db-cpu",
      title: "Database CPU",
      unit: "%",
      series: [
        { column: "db_cpu_utilization", label: "DB CPU", scale: 100 },
        { column: "db_memory_utilization", label: "DB memory", scale: 100 },
      ],
      rules: [{ y: 80, label: "80 %", color: "#c62828" }],
    },
    {
      id: "ts-db-writes",
      title: "Database write operations",
      unit: "ops/s",
      series: [{ column: "db_write_ops_per_s", label: "write ops" }],
    },
    {
      id: "ts-websockets",
      title: "Websockets and connections",
      unit: "count",
      series: [
        { column: "websockets", label: "websockets" },
        { column: "agents_connected", label: "agents connected" },
        { column: "workspace_connections", label: "workspace connections" },
        { column: "dashboard_users", label: "dashboard users" },
      ],
    },
    {
      id: "ts-queues",
      title: "Queue lengths",
      unit: "waiting",
      series: [
        { column: "db_pool_waiting", label: "DB pool waiters" },
        { column: "db_notify_lock_queue", label: "NOTIFY lock queue" },
        { column: "provisioner_queue", label: "provisioner job queue" },
      ],
    },
    {
      id: "ts-busy",
      title: "Busy servers",
      unit: "count",
      series: [
        { column: "db_pool_in_use", label: "DB connections in use" },
        { column: "provisioners_busy", label: "provisioners busy" },
      ],
    },
    {
      id: "ts-latency",
      title: "Latency percentiles per scrape interval (from the latency histograms)",
      unit: "ms",
      series: [
        { column: "agent_api_latency_p50_ms", label: "agent API p50" },
        { column: "agent_api_latency_p95_ms", label: "agent API p95" },
        { column: "api_latency_p95_ms", label: "API p95" },
      ],
    },
    {
      id: "ts-coderd-memory",
      title: "coderd memory per replica",
      unit: "GB",
      series: perPod(ts, "coderd_memory_gb"),
    },
  ];
}

/** One time-series panel with stage bands, or "" when the CSV has none of its columns. */
export function timeseriesChartHtml(ts: TimeseriesColumns, summary: RunSummaryData, spec: ChartSpec): string {
  const present = spec.series.filter((s) => ts.columns.has(s.column));
  if (present.length === 0) return "";
  const minutes = ts.timeSeconds.map((t) => t / 60);
  const series = present.map((s, i) => ({
    name: s.label,
    color: paletteColor(i),
    values: ts.columns.get(s.column)!.map((v) => (v === null ? null : v * (s.scale ?? 1))),
  }));
  const points = series.flatMap((s) =>
    s.values.map((v, i) => ({ t: minutes[i]!, v, name: s.name, color: s.color })),
  );
  const endMinutes = Math.max(minutes.at(-1) ?? 0, ...summary.stages.map((s) => s.end_s / 60));
  const rules = spec.rules ?? [];
  const plot = renderPlot({
    width: 1060,
    height: 210,
    marginLeft: 56,
    marginRight: 20,
    x: { label: "time (min)", domain: [0, endMinutes] },
    y: { label: spec.unit, grid: true, nice: true, zero: true },
    marks: [
      ...stageBandMarks(summary.stages),
      Plot.ruleY([0]),
      ...rules.map((r) => Plot.ruleY([r.y], { stroke: r.color, strokeDasharray: "4,3" })),
      ...rules.map((r) =>
        Plot.text([r], {
          x: endMinutes,
          y: "y",
          text: "label",
          textAnchor: "end",
          dy: -5,
          fill: r.color,
          fontSize: 9,
        }),
      ),
      Plot.lineY(points, { x: "t", y: "v", z: "name", stroke: "color", strokeWidth: 1.4 }),
    ],
  });
  const legend: LegendItem[] = series.map((s) => ({ label: s.name, color: s.color, shape: "line" }));
  const hover: HoverData | undefined =
    plot.xDomain && plot.xRange && plot.yRange
      ? {
          xLabel: "min",
          unit: spec.unit,
          x: minutes.map((m) => Number(m.toFixed(3))),
          xDomain: plot.xDomain,
          xRange: plot.xRange,
          yRange: plot.yRange,
          stage: ts.stage,
          series: series.map((s) => ({
            ...s,
            values: s.values.map((v) => (v === null ? null : Number(v.toPrecision(6)))),
          })),
        }
      : undefined;
  return figureHtml({
    id: spec.id,
    title: spec.title,
    unit: spec.unit,
    svg: plot.svg,
    legend: series.length > 1 ? legend : [],
    note: spec.note,
    hover,
  });
}
