import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError, type InputIssue } from "../errors.js";
import {
  ALL,
  type Answer,
  evaluateFigures,
  FIGURE_NAMES,
  type FigureValue,
  figureDefinition,
  recipeMetricNames,
  resolveWindows,
  type WindowOrigin,
} from "../figures/index.js";
import {
  type MeasuredData,
  type MeasuredFormat,
  type MeasuredSample,
  mergeSeriesSets,
  readMeasuredFile,
  type StageWindow,
} from "../measured/index.js";
import type { PrometheusMeasurement, SentQuery } from "../prometheus/index.js";
import type { SeriesSet, Window } from "../series/types.js";

/** One measured file (or Prometheus server) as `compare` and `calibrate` record it. */
export interface MeasuredFileInfo {
  file: string;
  format: MeasuredFormat | "prometheus-server";
  /** SHA-256 of the file's bytes (of the sorted files' names and bytes for a directory). */
  sha256: string;
  /** Figures it contributed (rows of the comparison). */
  figures: number;
}

/** Measurements that could not become figures, grouped by file and metric. */
export interface SkippedMeasurement {
  file: string;
  metric: string;
  count: number;
  reason: string;
}

export interface MeasuredFigures {
  files: MeasuredFileInfo[];
  /** Summary figures (t null) with a value or a range, in file order. */
  figures: MeasuredSample[];
  skipped: SkippedMeasurement[];
  /** The windows time series were reduced over (empty when there were no time series). */
  stages: StageWindow[];
  /** Where those windows came from. */
  windowOrigin: WindowOrigin | null;
  /** Every figure the table evaluated on the time series, with or without a value. */
  evaluated: FigureValue[];
  /** The queries sent when the figures came from a Prometheus server. */
  queries?: SentQuery[];
}

const CAPSIM_FORMATS: readonly MeasuredFormat[] = ["capsim-yaml", "capsim-csv"];

export interface MeasuredFigureOptions {
  /** A capsim YAML file whose `stages` windows time series are reduced over. */
  stagesFile?: string;
  /** Windows given directly (e.g. `--stage NAME=START..END`); a stages file adds to them. */
  stages?: readonly Window[];
  /** Simulated metric names beyond the table's (kept as figures when a non-capsim file has them). */
  simulatedMetrics?: readonly string[];
  /** A selector whose matchers are added to every recipe's vector selectors. */
  selector?: string;
  /** Seconds between evaluation instants (default: the data's scrape interval). */
  stepSeconds?: number;
}

/**
 * Reads measured files into figures. capsim files are figures already; time series (Prometheus text,
 * OpenMetrics, promtool dumps, scrape directories, API results, Grafana) are put together as one
 * SeriesSet and the figure table is evaluated on it, over the windows of `capsim_stage_active` when
 * the data has it, else `--stages` or the capsim YAML files' windows, else the whole data; other
 * summaries (k6, coder scaletest) keep the samples whose metric capsim simulates. Problems in every file
 * are reported together.
 */
export function loadMeasuredFigures(
  paths: readonly string[],
  opts: MeasuredFigureOptions = {},
): MeasuredFigures {
  const issues: InputIssue[] = [];
  const read: MeasuredData[] = [];
  for (const path of paths) {
    try {
      read.push(readMeasuredFile(path));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);

  const given = [
    ...(opts.stages ?? []),
    ...(opts.stagesFile ? stagesFromFile(opts.stagesFile) : declaredStages(read)),
  ];
  const timeSeries = read.filter((d) => d.series !== undefined);
  const evaluation = timeSeries.length > 0 ? evaluateTimeSeries(timeSeries, given, opts) : undefined;
  const known = new Set([...FIGURE_NAMES, ...(opts.simulatedMetrics ?? [])]);
  const files: MeasuredFileInfo[] = [];
  const figures: MeasuredSample[] = [];
  const skipped: SkippedMeasurement[] = [];
  for (const data of read) {
    const kept = data.series ? [] : summaryFigures(data, known, skipped);
    if (data.series && data === timeSeries[0]) kept.push(...evaluation!.figures);
    if (data.series) skipped.push(...unreadSeries(data));
    for (const [metric, count] of data.unmapped ?? [])
      skipped.push({
        file: data.file,
        metric,
        count,
        reason: "neither a metric a recipe reads nor a figure's panel legend",
      });
    figures.push(...kept);
    files.push({ file: data.file, format: data.format, sha256: fileSha256(data.file), figures: kept.length });
  }
  return {
    files,
    figures,
    skipped,
    stages: evaluation?.windows ?? [],
    windowOrigin: evaluation?.origin ?? null,
    evaluated: evaluation?.evaluated ?? [],
  };
}

function evaluateTimeSeries(
  read: readonly MeasuredData[],
  given: readonly Window[],
  opts: MeasuredFigureOptions,
): { figures: MeasuredSample[]; evaluated: FigureValue[]; windows: Window[]; origin: WindowOrigin } {
  const data: SeriesSet = mergeSeriesSets(read.map((d) => d.series!));
  const answers: Answer[] = read.flatMap((d) => d.answers ?? []);
  const { windows, origin } = resolveWindows(data, given);
  const evaluated = evaluateFigures(data, windows, {
    answers,
    ...(opts.selector !== undefined ? { selector: opts.selector } : {}),
    ...(opts.stepSeconds !== undefined ? { stepSeconds: opts.stepSeconds } : {}),
  });
  const file = read.map((d) => d.file).join(", ");
  const figures = evaluated.filter((v) => v.value !== null).map((v) => asSample(v, file));
  return { figures, evaluated, windows, origin };
}

/** Series of metrics no recipe reads, counted per name. */
function unreadSeries(data: MeasuredData): SkippedMeasurement[] {
  const counts = new Map<string, number>();
  for (const s of data.series!.series) {
    const name = s.labels.__name__ ?? "";
    if (recipeMetricNames().has(name) || name.startsWith("capsim_")) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([metric, count]) => ({
    file: data.file,
    metric,
    count,
    reason: "no figure reads this metric (series counted)",
  }));
}

/** Figures a Prometheus server evaluated (`--prometheus`), as measured figures of one source. */
export function serverFigures(m: PrometheusMeasurement): MeasuredFigures {
  const figures = m.evaluated.filter((v) => v.value !== null).map((v) => asSample(v, m.url));
  return {
    files: [{ file: m.url, format: "prometheus-server", sha256: m.sha256, figures: figures.length }],
    figures,
    skipped: [],
    stages: m.windows,
    windowOrigin: m.windowOrigin,
    evaluated: m.evaluated,
    queries: m.queries,
  };
}

/** An evaluated figure as a measured figure, for the comparison. */
function asSample(v: FigureValue, file: string): MeasuredSample {
  const definition = figureDefinition(v.name)!;
  return {
    source: "prom-text",
    metric: v.name,
    rawMetric: v.name,
    labels: {},
    stage: v.stage === ALL ? null : v.stage,
    unit: v.unit,
    scope: definition.scope,
    t: null,
    value: v.value!,
    file,
    note: `${v.source}: ${v.promql} (${v.seriesCount} series${v.note ? `; ${v.note}` : ""})`,
  };
}

function summaryFigures(
  data: MeasuredData,
  known: ReadonlySet<string>,
  skipped: SkippedMeasurement[],
): MeasuredSample[] {
  if (CAPSIM_FORMATS.includes(data.format)) return data.samples.filter(isFigure);
  const dropped = new Map<string, SkippedMeasurement>();
  const kept: MeasuredSample[] = [];
  for (const s of data.samples) {
    if (isFigure(s) && known.has(s.metric)) {
      kept.push(s);
      continue;
    }
    const reason = isFigure(s) ? "capsim does not simulate this metric" : "a distribution, not a figure";
    const entry = dropped.get(s.metric) ?? { file: data.file, metric: s.metric, count: 0, reason };
    entry.count++;
    dropped.set(s.metric, entry);
  }
  skipped.push(...dropped.values());
  return kept;
}

export function fileSha256(path: string): string {
  const hash = createHash("sha256");
  hashInto(hash, path, "");
  return hash.digest("hex");
}

/** A file's bytes; a directory's files' relative names and bytes, in name order. */
function hashInto(hash: ReturnType<typeof createHash>, path: string, name: string): void {
  if (!statSync(path).isDirectory()) {
    if (name) hash.update(`${name}\0`);
    hash.update(readFileSync(path));
    return;
  }
  for (const entry of readdirSync(path).sort())
    hashInto(hash, join(path, entry), name ? `${name}/${entry}` : entry);
}

function isFigure(s: MeasuredSample): boolean {
  return s.t === null && (s.value !== undefined || s.range !== undefined);
}

/** Windows declared by the capsim YAML files among the inputs; one name declared differently is an error. */
function declaredStages(read: readonly MeasuredData[]): StageWindow[] {
  const byName = new Map<string, { window: StageWindow; file: string }>();
  for (const data of read) {
    for (const window of data.stages) {
      const seen = byName.get(window.name);
      if (seen && (seen.window.start !== window.start || seen.window.end !== window.end)) {
        throw new InputError({
          file: data.file,
          path: `stages.${window.name}`,
          message: `stage ${window.name} is declared differently in ${seen.file}; give one --stages file`,
        });
      }
      byName.set(window.name, { window, file: data.file });
    }
  }
  return [...byName.values()].map((v) => v.window);
}

function stagesFromFile(path: string): StageWindow[] {
  const data = readMeasuredFile(path);
  if (data.format !== "capsim-yaml" || data.stages.length === 0) {
    throw new InputError({
      file: path,
      path: "stages",
      message: "expected capsim YAML declaring stages: [{name, start, end}] (see docs/compare.md)",
    });
  }
  return data.stages;
}

/** Where compare and calibrate take measured figures from: a Prometheus server, else files. */
export interface MeasurementSource {
  measuredFiles: readonly string[];
  stagesFile?: string;
  stages?: readonly Window[];
  selector?: string;
  stepSeconds?: number;
  prometheus?: PrometheusMeasurement;
}

/** The measured figures of a source, for the metrics capsim simulates. */
export function measuredFiguresOf(
  source: MeasurementSource,
  simulatedMetrics: readonly string[],
): MeasuredFigures {
  if (source.prometheus) return serverFigures(source.prometheus);
  return loadMeasuredFigures(source.measuredFiles, {
    ...(source.stagesFile !== undefined ? { stagesFile: source.stagesFile } : {}),
    ...(source.stages !== undefined ? { stages: source.stages } : {}),
    ...(source.selector !== undefined ? { selector: source.selector } : {}),
    ...(source.stepSeconds !== undefined ? { stepSeconds: source.stepSeconds } : {}),
    simulatedMetrics,
  });
}
