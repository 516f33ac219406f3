import { InputError } from "../errors.js";
import type { FigureValue, WindowOrigin } from "../figures/index.js";
import type { LoadedModel } from "../model/loadModel.js";
import type { PrometheusMeasurement, SentQuery } from "../prometheus/index.js";
import { runScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import type { Window } from "../series/types.js";
import { CAPSIM_VERSION } from "../version.js";
import { type CompareRow, compareFigures, SIMULATED_METRICS } from "./compareFigures.js";
import { type MeasuredFileInfo, measuredFiguresOf, type SkippedMeasurement } from "./measuredFigures.js";

/** A figure the simulation does not produce: listed, never a failure. */
export type NotSimulatedRow = CompareRow & { verdict: "not_simulated"; reason: string };

/**
 * What `capsim compare --json` prints (stable shape, documented in docs/compare.md). `rows` holds only
 * compared figures (verdict pass or fail), which is what the HTML report reads.
 */
export interface CompareResult {
  capsim_version: string;
  scenario: string;
  scenario_file: string;
  scenario_sha256: string;
  model: string;
  model_file: string;
  model_sha256: string;
  seed: number;
  replications: number;
  tolerance: { relative: number };
  /** The measured files, comma-separated (a caption for reports). */
  measured_source: string;
  measured_files: MeasuredFileInfo[];
  /** Windows measured time series were reduced over (their time base); empty without time series. */
  stage_windows: { name: string; start: number; end: number }[];
  /** Where those windows came from: capsim_stage_active, given (--stages), or data (its whole span). */
  window_origin: WindowOrigin | null;
  /** Every figure evaluated on measured time series: value (or null and why), source, PromQL, series. */
  evaluated: FigureValue[];
  /** With `--prometheus`: the server, the step, and every query sent with how many series answered. */
  prometheus?: PrometheusReport;
  rows: CompareRow[];
  not_simulated: NotSimulatedRow[];
  skipped: SkippedMeasurement[];
  counts: { pass: number; fail: number; not_simulated: number };
  /** True when no row fails (the exit status is 0). */
  passed: boolean;
}

export interface CompareOptions {
  /** The scenario and model, already loaded (the caller reports their problems first). */
  scenario: { loaded: LoadedScenario; model: LoadedModel };
  measuredFiles: readonly string[];
  tolerance: number;
  replications?: number;
  seed?: number;
  stagesFile?: string;
  stages?: readonly Window[];
  selector?: string;
  stepSeconds?: number;
  /** Figures already evaluated by a Prometheus server (`--prometheus`), instead of measured files. */
  prometheus?: PrometheusMeasurement;
  onProgress?: (fraction: number) => void;
}

/**
 * Reads the measured files before simulating (bad input fails fast), then compares. Comparing nothing
 * is not a pass: when no figure could be compared, it is bad input (exit 2) saying why.
 */
export function runCompare(opts: CompareOptions): CompareResult {
  const { loaded, model } = opts.scenario;
  const measured = measuredFiguresOf(opts, SIMULATED_METRICS);
  const sources = measured.files.map((f) => f.file);
  if (measured.figures.length === 0) throw nothingToCompare(sources, measured.evaluated, []);
  const { summary } = runScenario(loaded, model, {
    ...(opts.replications !== undefined ? { replications: opts.replications } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const all = compareFigures(
    summary.metrics,
    measured.figures,
    opts.tolerance,
    summary.stages.map((s) => s.name),
    { evaluated: measured.evaluated, scenario: loaded.scenario },
  );
  for (const row of all) attachRecipe(row, measured.evaluated);
  const rows = all.filter((r) => r.verdict !== "not_simulated");
  const notSimulated = all.filter((r): r is NotSimulatedRow => r.verdict === "not_simulated");
  if (rows.length === 0) throw nothingToCompare(sources, measured.evaluated, notSimulated);
  const fail = rows.filter((r) => r.verdict === "fail").length;
  return {
    capsim_version: CAPSIM_VERSION,
    scenario: summary.scenario.name,
    scenario_file: summary.scenario.file,
    scenario_sha256: summary.scenario.sha256,
    model: summary.model.name,
    model_file: summary.model.file,
    model_sha256: summary.model.sha256,
    seed: summary.seed,
    replications: summary.replications,
    tolerance: { relative: opts.tolerance },
    measured_source: measured.files.map((f) => f.file).join(", "),
    measured_files: measured.files,
    stage_windows: measured.stages.map((s) => ({ name: s.name, start: s.start, end: s.end })),
    window_origin: measured.windowOrigin,
    evaluated: measured.evaluated,
    ...(opts.prometheus ? { prometheus: prometheusReport(opts.prometheus) } : {}),
    rows,
    not_simulated: notSimulated,
    skipped: measured.skipped,
    counts: { pass: rows.length - fail, fail, not_simulated: notSimulated.length },
    passed: fail === 0,
  };
}

/** What was asked of a Prometheus server (stable JSON shape). */
export interface PrometheusReport {
  url: string;
  selector: string | null;
  /** --db-selector: the database's figures' matchers instead of `selector`. */
  db_selector: string | null;
  scrape_seconds: number;
  scrape_from: string;
  step_seconds: number;
  queries: SentQuery[];
}

export function prometheusReport(m: PrometheusMeasurement): PrometheusReport {
  return {
    url: m.url,
    selector: m.selector,
    db_selector: m.dbSelector,
    scrape_seconds: m.scrapeSeconds,
    scrape_from: m.scrapeFrom,
    step_seconds: m.stepSeconds,
    queries: m.queries,
  };
}

/** The recipe a time-series figure came from, on its row. */
function attachRecipe(row: CompareRow, evaluated: readonly FigureValue[]): void {
  const v = evaluated.find(
    (e) => e.name === row.metric && (e.stage === "all" ? null : e.stage) === row.stage,
  );
  if (!v || v.value === null) return;
  row.source = v.source ?? undefined;
  row.promql = v.promql ?? undefined;
  row.series_count = v.seriesCount;
}

/** Exit 2 with the reason no figure was compared. */
function nothingToCompare(
  files: readonly string[],
  evaluated: readonly FigureValue[],
  notSimulated: readonly NotSimulatedRow[],
): InputError {
  const reasons = [
    ...notSimulated.map((r) => `${r.metric} (${r.stage ?? "all"}): ${r.reason}`),
    ...evaluated.filter((v) => v.value === null).map((v) => `${v.name} (${v.stage}): ${v.note}`),
  ];
  const why =
    reasons.length > 0 ? `:\n  ${reasons.join("\n  ")}` : ": the files hold no figure capsim simulates";
  return new InputError({ file: files.join(", "), path: "", message: `no figure could be compared${why}` });
}
