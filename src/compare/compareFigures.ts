import { InputError } from "../errors.js";
import { FIGURES, type FigureValue, figureDefinition } from "../figures/index.js";
import type { MeasuredSample, MeasuredScope } from "../measured/index.js";
import { convertUnit } from "../measured/units.js";
import type { SummaryMetric } from "../run/runScenario.js";
import type { Scenario } from "../scenario/schema.js";
import { podCountMismatch } from "./replicas.js";
import { judge, type MeasuredValue, type Verdict } from "./verdict.js";

/** One row of a comparison (stable JSON shape, documented in docs/compare.md). */
export interface CompareRow {
  metric: string;
  /** null = the whole test (simulated: the traffic window). */
  stage: string | null;
  /** The simulated metric's unit; the measured figure is converted to it. */
  unit: string;
  scope: MeasuredScope | null;
  simulated: { mean: number | null; ci95: [number, number] | null };
  measured: MeasuredValue;
  /** The pass band: measured within `relative` of the simulated mean (relative to the mean). */
  tolerance: { relative: number };
  /** (measured − simulated mean) / |simulated mean|; for a range, to its nearest end (0 inside). */
  error: number | null;
  verdict: Verdict;
  /** Why a figure is not simulated. */
  reason?: string;
  /** For figures evaluated from time series: the recipe's source, its PromQL, and how many series answered. */
  source?: string;
  promql?: string;
  series_count?: number;
  file: string;
  line?: number;
  note?: string;
}

/** Every (metric, stage) the simulator can report, whatever the scenario's stages: the figure table's rows. */
const SIMULATED_DEFINITIONS = FIGURES.flatMap((f) =>
  (f.stages ?? [null]).map((stage) => ({ name: f.name, stage, unit: f.unit })),
);

/** Names of every metric the simulator reports. */
export const SIMULATED_METRICS: readonly string[] = [...new Set(SIMULATED_DEFINITIONS.map((d) => d.name))];

/**
 * Puts each measured figure next to the simulated metric of the same name and stage and judges it.
 * Figures the simulation does not produce (unknown metric, other stage, stage not in the scenario,
 * no simulated value, other scope) get verdict `not_simulated` with a reason, and never fail.
 */
export function compareFigures(
  metrics: readonly SummaryMetric[],
  figures: readonly MeasuredSample[],
  tolerance: number,
  scenarioStages: readonly string[],
  pods?: PodContext,
): CompareRow[] {
  return figures.map((figure) => compareFigure(metrics, figure, tolerance, scenarioStages, pods));
}

/** The figures evaluated on time series (their pod counts) and the scenario they are compared with. */
export interface PodContext {
  evaluated: readonly FigureValue[];
  scenario: Scenario;
}

function compareFigure(
  metrics: readonly SummaryMetric[],
  figure: MeasuredSample,
  tolerance: number,
  scenarioStages: readonly string[],
  pods: PodContext | undefined,
): CompareRow {
  const sim = metrics.find((m) => m.name === figure.metric && m.stage === figure.stage);
  const definition = SIMULATED_DEFINITIONS.find((d) => d.name === figure.metric);
  const unit = sim?.unit ?? definition?.unit ?? figure.unit;
  const measured = measuredIn(figure, unit);
  // Keys in the documented order: identity, numbers, verdict, then where the figure came from.
  const row = (
    simulated: CompareRow["simulated"],
    judged: { error: number | null; verdict: CompareRow["verdict"] },
    reason?: string,
  ): CompareRow => ({
    metric: figure.metric,
    stage: figure.stage,
    unit,
    scope: figure.scope,
    simulated,
    measured,
    tolerance: { relative: tolerance },
    error: judged.error,
    verdict: judged.verdict,
    ...(reason !== undefined ? { reason } : {}),
    file: figure.file,
    ...(figure.line !== undefined ? { line: figure.line } : {}),
    ...(figure.note !== undefined ? { note: figure.note } : {}),
  });
  const notSimulated = (reason: string): CompareRow =>
    row(
      { mean: sim?.mean ?? null, ci95: sim?.ci95 ?? null },
      { error: null, verdict: "not_simulated" },
      reason,
    );
  // A figure the measured file declares unmodelled is shown with the simulated value, never judged.
  if (figure.unmodelled) return notSimulated(`unmodelled: ${figure.unmodelled}`);
  if (!sim) return notSimulated(whyAbsent(figure, scenarioStages));
  const simulatedScope = figureDefinition(figure.metric)?.scope ?? null;
  if (figure.scope !== null && simulatedScope !== null && figure.scope !== simulatedScope) {
    return notSimulated(`measured ${figure.scope}, simulated ${simulatedScope}`);
  }
  if (sim.mean === null) return notSimulated("the simulation produced no value (no events of this kind)");
  const mismatch = pods && podCountMismatch(figure, pods.evaluated, pods.scenario);
  if (mismatch) return notSimulated(mismatch);
  return row({ mean: sim.mean, ci95: sim.ci95 }, judge(sim.mean, measured, tolerance));
}

function whyAbsent(figure: MeasuredSample, scenarioStages: readonly string[]): string {
  const stages = SIMULATED_DEFINITIONS.filter((d) => d.name === figure.metric).map((d) => d.stage);
  if (stages.length === 0) return "capsim does not simulate this metric";
  const stageText = (s: string | null) => s ?? "all (whole test)";
  if (!stages.includes(figure.stage)) {
    const hint = figure.stage === null ? "; give time series stage windows with --stages" : "";
    return `simulated only for stage ${stages.map(stageText).join(", ")}${hint}`;
  }
  if (figure.stage !== null && !scenarioStages.includes(figure.stage)) {
    return `stage ${figure.stage} is not in the scenario`;
  }
  return "the simulation produced no value";
}

function measuredIn(figure: MeasuredSample, unit: string): MeasuredValue {
  const convert = (v: number): number => {
    if (figure.unit === unit) return v;
    const converted = convertUnit(v, figure.unit, unit);
    if (converted === undefined) {
      throw new InputError({
        file: figure.file,
        ...(figure.line !== undefined ? { line: figure.line } : {}),
        path: figure.metric,
        message: `measured in ${figure.unit}, which cannot be compared with the simulated unit ${unit}`,
      });
    }
    return converted;
  };
  if (figure.range) return { range: [convert(figure.range[0]), convert(figure.range[1])] };
  return { value: convert(figure.value!) };
}
