import { loadScenarioAndModel } from "../cli/scenarioInput.js";
import { runScenario } from "../run/runScenario.js";
import { CAPSIM_VERSION } from "../version.js";
import { type CompareRow, compareFigures, SIMULATED_METRICS } from "./compareFigures.js";
import { loadMeasuredFigures, type MeasuredFileInfo, type SkippedMeasurement } from "./measuredFigures.js";

/** What `capsim compare --json` prints (stable shape, documented in docs/compare.md). */
export interface CompareResult {
  capsim_version: string;
  scenario: { name: string; file: string; sha256: string };
  model: { name: string; file: string; sha256: string };
  seed: number;
  replications: number;
  tolerance: number;
  measured_files: MeasuredFileInfo[];
  /** Stage windows measured time series were reduced over (unix seconds); empty when none were given. */
  stage_windows: { name: string; start: number; end: number }[];
  rows: CompareRow[];
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

/** Reads the scenario, model and measured files before simulating (bad input fails fast), then compares. */
export function runCompare(opts: CompareOptions): CompareResult {
  const { loaded, model } = loadScenarioAndModel(opts.scenarioArg, opts.sets ?? []);
  const measured = loadMeasuredFigures(opts.measuredFiles, {
    ...(opts.stagesFile !== undefined ? { stagesFile: opts.stagesFile } : {}),
    simulatedMetrics: SIMULATED_METRICS,
  });
  const { summary } = runScenario(loaded, model, {
    ...(opts.replications !== undefined ? { replications: opts.replications } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const rows = compareFigures(
    summary.metrics,
    measured.figures,
    opts.tolerance,
    summary.stages.map((s) => s.name),
  );
  const count = (verdict: CompareRow["verdict"]) => rows.filter((r) => r.verdict === verdict).length;
  const counts = { pass: count("pass"), fail: count("fail"), not_simulated: count("not_simulated") };
  return {
    capsim_version: CAPSIM_VERSION,
    scenario: summary.scenario,
    model: summary.model,
    seed: summary.seed,
    replications: summary.replications,
    tolerance: opts.tolerance,
    measured_files: measured.files,
    stage_windows: measured.stages.map((s) => ({ name: s.name, start: s.start, end: s.end })),
    rows,
    skipped: measured.skipped,
    counts,
    passed: counts.fail === 0,
  };
}
