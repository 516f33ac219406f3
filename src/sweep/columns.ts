import { createHash } from "node:crypto";
import type { LoadedModel } from "../model/loadModel.js";
import { runScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { textCell } from "./csvCell.js";
import type { PointOutcome } from "./evaluate.js";
import { type Axis, cellOfValue, type GridPoint } from "./grid.js";
import type { LoadedPoint } from "./pointScenario.js";

/** A summary metric's identity: name plus stage (null = the whole traffic window, written `all`). */
export interface MetricKey {
  name: string;
  stage: string | null;
}

/** Which metrics and resources a sweep's CSV has columns for: fixed before the first point runs. */
export interface SweepLayout {
  metrics: MetricKey[];
  resources: string[];
}

/**
 * The last columns: the point's resolved scenario hash, and a hash of the row before it, so a resume
 * can tell rows of another scenario and hand-edited rows from this sweep's own (docs/sweep.md).
 */
export const CHECK_COLUMNS = ["scenario_sha256", "row_sha256"] as const;
export const TRAILING_COLUMNS = [
  "bottleneck",
  "bottleneck_utilization",
  "status",
  "error",
  ...CHECK_COLUMNS,
] as const;

/** SHA-256 of a row's cells before its own hash, one cell per line (cells never hold newlines). */
export function rowHash(cells: readonly string[]): string {
  return createHash("sha256").update(cells.join("\n")).digest("hex");
}

/** A row as written: its cells, the point's scenario hash, and the hash of both. */
export function sealRow(cells: readonly string[], scenarioSha256: string): string[] {
  const withScenario = [...cells, scenarioSha256];
  return [...withScenario, rowHash(withScenario)];
}

/** Why a row read back is not this point's row as written, or undefined when it is. */
export function rowProblem(
  row: readonly string[],
  expected: readonly string[],
  scenarioSha256: string,
): string | undefined {
  const n = row.length;
  if (rowHash(row.slice(0, n - 1)) !== row[n - 1]) return "edited (its row_sha256 does not match its cells)";
  if (row[n - 2] !== scenarioSha256) return "computed for another scenario (scenario_sha256 differs)";
  if (expected.some((cell, i) => row[i] !== cell)) return "its parameters are not this grid point's";
  return undefined;
}

/** `api_rps_median@dashboard`, `api_latency_p95_ms@all`: the name SLOs and CSV columns use. */
export function metricLabel(m: MetricKey): string {
  return `${m.name}@${m.stage ?? "all"}`;
}

/**
 * The metrics and resources a scenario's summary will have, from a near-empty run (no users, one
 * second per stage): which metrics appear depends on the stages, which resources on the deployment.
 * Asking the model itself keeps the columns right whatever the model adds.
 */
export function probeLayout(loaded: LoadedScenario, model: LoadedModel): SweepLayout {
  const s = structuredClone(loaded.scenario);
  s.workload.users = 0;
  s.workload.workspaces = 0;
  s.warmup_s = 0;
  s.scrape_interval_s = 1;
  s.stages = s.stages.map((stage, i) => ({ ...stage, start_s: i, duration_s: 1 }));
  const { summary } = runScenario({ ...loaded, scenario: s }, model, { replications: 1 });
  return {
    metrics: summary.metrics.map((m) => ({ name: m.name, stage: m.stage })),
    resources: summary.resources.map((r) => r.name),
  };
}

/** Union of lists keeping each list's order: a name new to the union goes right after its predecessor. */
export function orderedUnion(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) {
    let after = -1;
    for (const name of list) {
      const at = out.indexOf(name);
      if (at >= 0) after = at;
      else {
        out.splice(after + 1, 0, name);
        after++;
      }
    }
  }
  return out;
}

export function mergeLayouts(layouts: readonly SweepLayout[]): SweepLayout {
  const byLabel = new Map<string, MetricKey>();
  for (const l of layouts) for (const m of l.metrics) byLabel.set(metricLabel(m), m);
  const labels = orderedUnion(layouts.map((l) => l.metrics.map(metricLabel)));
  return {
    metrics: labels.map((label) => byLabel.get(label)!),
    resources: orderedUnion(layouts.map((l) => l.resources)),
  };
}

/**
 * The layout of a whole grid (all shards agree on it): one probe per distinct shape (stage names,
 * coderd replicas, model), in grid order.
 */
export function layoutOfPoints(points: readonly LoadedPoint[]): SweepLayout {
  const probes = new Map<string, SweepLayout>();
  for (const { loaded, model } of points) {
    const key = JSON.stringify([
      loaded.scenario.stages.map((s) => s.name).sort(),
      loaded.scenario.deployment.coderd.replicas,
      model.sha256,
    ]);
    if (!probes.has(key)) probes.set(key, probeLayout(loaded, model));
  }
  return mergeLayouts([...probes.values()]);
}

export function sweepHeader(axes: readonly Axis[], layout: SweepLayout): string[] {
  return [
    "point",
    ...axes.map((a) => `param:${a.path}`),
    ...layout.metrics.flatMap((m) => {
      const label = metricLabel(m);
      return [`${label}:mean`, `${label}:ci95_lo`, `${label}:ci95_hi`];
    }),
    ...layout.resources.map((r) => `util:${r}`),
    ...TRAILING_COLUMNS,
  ];
}

/** Numbers as JavaScript prints them (shortest round-trip form); empty for N/A. */
function numberCell(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : String(value);
}

export function leadingCells(point: GridPoint): string[] {
  return [String(point.index), ...point.values.map((v) => cellOfValue(v.value))];
}

export function okRow(point: GridPoint, layout: SweepLayout, outcome: PointOutcome): string[] {
  const s = outcome.summary;
  const metrics = new Map(s.metrics.map((m) => [metricLabel(m), m]));
  const utils = new Map(s.resources.map((r) => [r.name, r.utilization]));
  const hasBottleneck = s.bottleneck.resource !== "none";
  return [
    ...leadingCells(point),
    ...layout.metrics.flatMap((key) => {
      const m = metrics.get(metricLabel(key));
      return [numberCell(m?.mean), numberCell(m?.ci95?.[0]), numberCell(m?.ci95?.[1])];
    }),
    ...layout.resources.map((name) => numberCell(utils.get(name))),
    hasBottleneck ? textCell(s.bottleneck.resource) : "",
    hasBottleneck ? numberCell(s.bottleneck.utilization) : "",
    "ok",
    "",
  ];
}

/** A failed point keeps its place: parameters, empty figures, and the message on one line. */
export function errorRow(point: GridPoint, layout: SweepLayout, message: string): string[] {
  const empty = layout.metrics.length * 3 + layout.resources.length + 2;
  return [...leadingCells(point), ...Array<string>(empty).fill(""), "error", textCell(oneLine(message))];
}

/** One physical line per record, so a torn last line never hides an earlier row. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " | ").trim() || "error";
}
