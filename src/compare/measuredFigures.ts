import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { InputError, type InputIssue } from "../errors.js";
import {
  CAPSIM_METRICS,
  deriveFigures,
  METRIC_MAP,
  type MeasuredData,
  type MeasuredFormat,
  type MeasuredSample,
  readMeasuredFile,
  type StageWindow,
} from "../measured/index.js";

/** One measured file as `compare` and `calibrate` record it. */
export interface MeasuredFileInfo {
  file: string;
  format: MeasuredFormat;
  /** SHA-256 of the file's bytes. */
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
  /** The stage windows time series were reduced over (empty: whole data, stage null). */
  stages: StageWindow[];
}

const TIME_SERIES_FORMATS: readonly MeasuredFormat[] = [
  "prom-text",
  "openmetrics",
  "prom-api",
  "grafana-csv",
];
const CAPSIM_FORMATS: readonly MeasuredFormat[] = ["capsim-yaml", "capsim-csv"];
const CAPSIM_SERIES = new Set(METRIC_MAP.map((row) => row.series));

export interface MeasuredFigureOptions {
  /** A capsim YAML file whose `stages` windows time series are reduced over. */
  stagesFile?: string;
  /** Simulated metric names beyond the metric map's (kept as figures when a non-capsim file has them). */
  simulatedMetrics?: readonly string[];
}

/**
 * Reads measured files into figures. capsim files are figures already; time series (Prometheus,
 * Grafana) are reduced to figures by `deriveFigures` over the stage windows of `--stages`, else of the
 * capsim YAML files given alongside, else over all their data; other summaries (k6, coder scaletest)
 * keep the samples whose metric capsim simulates. Problems in every file are reported together.
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

  const stages = opts.stagesFile ? stagesFromFile(opts.stagesFile) : declaredStages(read);
  const known = new Set([...CAPSIM_METRICS, ...(opts.simulatedMetrics ?? [])]);
  const files: MeasuredFileInfo[] = [];
  const figures: MeasuredSample[] = [];
  const skipped: SkippedMeasurement[] = [];
  for (const data of read) {
    const { kept, dropped } = figuresOf(data, stages, known);
    figures.push(...kept);
    skipped.push(...dropped);
    files.push({ file: data.file, format: data.format, sha256: fileSha256(data.file), figures: kept.length });
  }
  return { files, figures, skipped, stages };
}

export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function figuresOf(
  data: MeasuredData,
  stages: readonly StageWindow[],
  known: ReadonlySet<string>,
): { kept: MeasuredSample[]; dropped: SkippedMeasurement[] } {
  if (CAPSIM_FORMATS.includes(data.format)) return { kept: data.samples.filter(isFigure), dropped: [] };
  const dropped = new Map<string, SkippedMeasurement>();
  const skip = (metric: string, reason: string): void => {
    const entry = dropped.get(metric) ?? { file: data.file, metric, count: 0, reason };
    entry.count++;
    dropped.set(metric, entry);
  };
  let kept: MeasuredSample[];
  if (TIME_SERIES_FORMATS.includes(data.format)) {
    kept = deriveFigures(data.samples, stages);
    for (const s of data.samples) {
      if (!CAPSIM_SERIES.has(s.metric)) skip(s.rawMetric, "no capsim metric is computed from this series");
    }
  } else {
    kept = [];
    for (const s of data.samples) {
      if (isFigure(s) && known.has(s.metric)) kept.push(s);
      else
        skip(s.metric, isFigure(s) ? "capsim does not simulate this metric" : "a distribution, not a figure");
    }
  }
  return { kept, dropped: [...dropped.values()] };
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
