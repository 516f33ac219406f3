import { loadScenarioAndModel } from "../cli/scenarioInput.js";
import { InputError } from "../errors.js";
import { runScenario } from "../run/runScenario.js";
import { CAPSIM_VERSION } from "../version.js";
import { type CompareRow, compareFigures, SIMULATED_METRICS } from "./compareFigures.js";
import {
  loadMeasuredFigures,
  type MeasuredFigures,
  type MeasuredFileInfo,
  type SkippedMeasurement,
} from "./measuredFigures.js";

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
  /** Stage windows measured time series were reduced over (unix seconds); empty when none were given. */
  stage_windows: { name: string; start: number; end: number }[];
  rows: CompareRow[];
  not_simulated: NotSimulatedRow[];
  skipped: SkippedMeasurement[];
  counts: { pass: number; fail: number; not_simulated: number };
  /** True when no row fails (the exit status is 0). */
  passed: boolean;
}

export interface CompareOptions {
  scenarioArg: string | undefined;
  measuredFiles: readonly string[];
  sets?: readonly string[];
  tolerance: number;
  replications?: number;
  seed?: number;
  stagesFile?: string;
  onProgress?: (fraction: number) => void;
}

/** Measured files with no finite figure of a simulated metric: exit 2 before simulating, not a vacuous pass. */
function refuseNothingToCompare(measured: MeasuredFigures): void {
  const simulated = new Set<string>(SIMULATED_METRICS);
  const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const usable = measured.figures.some(
    (f) =>
      simulated.has(f.metric) &&
      (finite(f.value) || (f.range !== undefined && finite(f.range[0]) && finite(f.range[1]))),
  );
  if (usable) return;
  const skipped = measured.skipped.reduce((n, s) => n + s.count, 0);
  throw new InputError({
    file: measured.files.map((f) => f.file).join(", "),
    path: "",
    message: `no measured figure to compare: none is a finite value of a metric capsim simulates${skipped > 0 ? ` (${skipped} measurements skipped: not simulated or not figures)` : ""}`,
  });
}

/** Reads the scenario, model and measured files before simulating (bad input fails fast), then compares. */
export function runCompare(opts: CompareOptions): CompareResult {
  const { loaded, model } = loadScenarioAndModel(opts.scenarioArg, opts.sets ?? []);
  const measured = loadMeasuredFigures(opts.measuredFiles, {
    ...(opts.stagesFile !== undefined ? { stagesFile: opts.stagesFile } : {}),
    simulatedMetrics: SIMULATED_METRICS,
  });
  refuseNothingToCompare(measured);
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
  );
  const rows = all.filter((r) => r.verdict !== "not_simulated");
  const notSimulated = all.filter((r): r is NotSimulatedRow => r.verdict === "not_simulated");
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
    rows,
    not_simulated: notSimulated,
    skipped: measured.skipped,
    counts: { pass: rows.length - fail, fail, not_simulated: notSimulated.length },
    passed: fail === 0,
  };
}
