import { FIGURE_NAMES, figureDefinition } from "../figures/table.js";
import { MEASURED_SCOPES, type MeasuredSample, type MeasuredScope, SCALETEST_STAGES } from "./sample.js";
import { convertUnit, isKnownUnit, KNOWN_UNITS, siUnitOf } from "./units.js";

/** The fields of one figure in capsim's own YAML and CSV formats. */
export const FIGURE_FIELDS = [
  "metric",
  "stage",
  "value",
  "range",
  "unit",
  "scope",
  "note",
  "unmodelled",
] as const;

/** A problem with one field of a figure; `field` is a path below the figure (`unit`, `range.1`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A validated figure, in the unit its metric is reported in. */
export interface CapsimFigure {
  metric: string;
  stage: string | null;
  value?: number;
  range?: [number, number];
  unit: string;
  scope: MeasuredScope | null;
  note?: string;
  /** Why the model has no mechanism for what this figure measures (compare reports it, never fails it). */
  unmodelled?: string;
}

const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_:./-]*$/;

/**
 * Checks one figure as read from YAML or CSV and converts it to its metric's unit (`unit: "%"` → 0–1,
 * `s` → `ms` for `_ms` metrics). Unknown metric names are kept (in SI) unless they look like a typo of
 * a capsim metric.
 */
export function validateFigure(
  input: Readonly<Record<string, unknown>>,
  stageNames: ReadonlySet<string>,
): { figure?: CapsimFigure; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const issue = (field: string, message: string): void => {
    issues.push({ field, message });
  };
  for (const key of Object.keys(input)) {
    if (!(FIGURE_FIELDS as readonly string[]).includes(key)) {
      issue(key, `unknown field; a figure has ${FIGURE_FIELDS.join(", ")}`);
    }
  }

  const metric = input.metric;
  if (typeof metric !== "string" || !METRIC_NAME.test(metric)) {
    issue("metric", "metric must be a name such as coderd_cpu_vcpu_median");
    return { issues };
  }
  const row = figureDefinition(metric);
  const typoOf = row ? undefined : closestCapsimMetric(metric);
  if (typoOf) issue("metric", `unknown capsim metric ${metric}; did you mean ${typoOf}?`);

  const stage = readStage(input.stage, stageNames, issue);
  const numbers = readNumbers(input, issue);
  // A misspelt capsim metric gets its unit from the metric once corrected: no second message about it.
  const unit = readUnit(input.unit, row?.unit, metric, typoOf ? () => {} : issue);
  const scope = readScope(input.scope, row?.scope ?? null, issue);
  if (input.note !== undefined && input.note !== null && typeof input.note !== "string")
    issue("note", "note must be text");
  if (input.unmodelled !== undefined && (typeof input.unmodelled !== "string" || input.unmodelled === ""))
    issue("unmodelled", "unmodelled must be the reason the model has no mechanism for this figure");
  if (issues.length > 0 || !numbers || !unit) return { issues };

  const target = row?.unit ?? siUnitOf(unit)!;
  const convert = (v: number): number => convertUnit(v, unit, target)!;
  const figure: CapsimFigure = { metric, stage, unit: target, scope };
  if (numbers.value !== undefined) figure.value = convert(numbers.value);
  if (numbers.range) figure.range = [convert(numbers.range[0]), convert(numbers.range[1])];
  if (typeof input.note === "string" && input.note !== "") figure.note = input.note;
  if (typeof input.unmodelled === "string") figure.unmodelled = input.unmodelled;
  checkPlausible(figure, row !== undefined, issue);
  return issues.length > 0 ? { issues } : { figure, issues };
}

function readStage(
  raw: unknown,
  stageNames: ReadonlySet<string>,
  issue: (f: string, m: string) => void,
): string | null {
  if (raw === undefined || raw === null || raw === "") return null;
  if (typeof raw !== "string") {
    issue("stage", "stage must be a stage name or null");
    return null;
  }
  if (!stageNames.has(raw))
    issue("stage", `unknown stage ${raw}; expected one of ${[...stageNames].join(", ")} or null`);
  return raw;
}

function readNumbers(
  input: Readonly<Record<string, unknown>>,
  issue: (f: string, m: string) => void,
): { value?: number; range?: [number, number] } | undefined {
  const hasValue = input.value !== undefined && input.value !== null;
  const hasRange = input.range !== undefined && input.range !== null;
  if (hasValue === hasRange) {
    issue(hasValue ? "range" : "value", "give exactly one of value or range: [lo, hi]");
    return undefined;
  }
  if (hasValue) {
    if (typeof input.value !== "number" || !Number.isFinite(input.value)) {
      issue("value", "value must be a finite number");
      return undefined;
    }
    return { value: input.value };
  }
  const range = input.range;
  if (!Array.isArray(range) || range.length !== 2) {
    issue("range", "range must be [lo, hi]");
    return undefined;
  }
  const [lo, hi] = range as unknown[];
  for (const [i, v] of [lo, hi].entries()) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      issue(`range.${i}`, "range bounds must be finite numbers");
      return undefined;
    }
  }
  if ((lo as number) > (hi as number)) {
    issue("range", `range [${lo}, ${hi}] is reversed: lo must not exceed hi`);
    return undefined;
  }
  return { range: [lo as number, hi as number] };
}

function readUnit(
  raw: unknown,
  metricUnit: string | undefined,
  metric: string,
  issue: (f: string, m: string) => void,
): string | undefined {
  if (raw === 1) return readUnit("1", metricUnit, metric, issue); // `unit: 1` unquoted is a YAML number
  if (raw === undefined || raw === null || raw === "") {
    if (metricUnit) return metricUnit;
    issue(
      "unit",
      `unit is required for ${metric}, which capsim does not know (one of ${KNOWN_UNITS.join(", ")})`,
    );
    return undefined;
  }
  if (typeof raw !== "string" || !isKnownUnit(raw)) {
    issue("unit", `unknown unit ${JSON.stringify(raw)}; expected one of ${KNOWN_UNITS.join(", ")}`);
    return undefined;
  }
  if (metricUnit && convertUnit(1, raw, metricUnit) === undefined) {
    issue("unit", `${metric} is measured in ${metricUnit}; ${raw} cannot be converted to it`);
    return undefined;
  }
  return raw;
}

function readScope(
  raw: unknown,
  fallback: MeasuredScope | null,
  issue: (f: string, m: string) => void,
): MeasuredScope | null {
  if (raw === undefined || raw === null || raw === "") return fallback;
  if (typeof raw === "string" && (MEASURED_SCOPES as readonly string[]).includes(raw))
    return raw as MeasuredScope;
  issue("scope", `scope must be one of ${MEASURED_SCOPES.join(", ")}`);
  return fallback;
}

/** Fractions are 0–1 (a common slip is writing 80 for 80 %); capsim's figures are never negative. */
function checkPlausible(figure: CapsimFigure, known: boolean, issue: (f: string, m: string) => void): void {
  const numbers = figure.range ?? [figure.value!];
  const field = figure.range ? "range" : "value";
  if (
    figure.unit === "1" &&
    /utili[sz]ation|fraction|ratio/.test(figure.metric) &&
    numbers.some((v) => v < 0 || v > 1)
  ) {
    issue(field, `${figure.metric} is a fraction 0–1: write 0.80 for 80 %, or give unit: "%"`);
  }
  if (known && numbers.some((v) => v < 0)) issue(field, `${figure.metric} cannot be negative`);
}

/** The capsim metric within a small edit distance of `name`, for "did you mean" hints. */
export function closestCapsimMetric(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 6));
  for (const candidate of FIGURE_NAMES) {
    const d = editDistance(name, candidate);
    if (d > 0 && d <= bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const curr = [i];
    for (let j = 1; j <= b.length; j++) {
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = curr;
  }
  return prev[b.length]!;
}

/** The stage names a figure may use: the scale test's plus those a file declares. */
export function allowedStages(declared: readonly { name: string }[]): Set<string> {
  return new Set([...SCALETEST_STAGES, ...declared.map((s) => s.name)]);
}

/** A figure as a normalised sample. */
export function figureToSample(figure: CapsimFigure, file: string, line: number | undefined): MeasuredSample {
  return {
    source: "capsim",
    metric: figure.metric,
    rawMetric: figure.metric,
    labels: {},
    stage: figure.stage,
    unit: figure.unit,
    scope: figure.scope,
    t: null,
    ...(figure.value !== undefined ? { value: figure.value } : {}),
    ...(figure.range ? { range: figure.range } : {}),
    file,
    ...(line === undefined ? {} : { line }),
    ...(figure.note ? { note: figure.note } : {}),
    ...(figure.unmodelled ? { unmodelled: figure.unmodelled } : {}),
  };
}

/** The figure fields of a summary sample, for writing it back out. */
export function sampleToFigure(sample: MeasuredSample): CapsimFigure {
  return {
    metric: sample.metric,
    stage: sample.stage,
    ...(sample.value !== undefined ? { value: sample.value } : {}),
    ...(sample.range ? { range: sample.range } : {}),
    unit: sample.unit,
    scope: sample.scope,
    ...(sample.note ? { note: sample.note } : {}),
  };
}

/** Issues for figures repeating an earlier (metric, stage). */
export function duplicateFigures(
  figures: readonly { figure: CapsimFigure; where: string }[],
): { index: number; message: string }[] {
  const seen = new Map<string, string>();
  const out: { index: number; message: string }[] = [];
  figures.forEach(({ figure, where }, index) => {
    const key = `${figure.metric}\u0000${figure.stage ?? ""}`;
    const first = seen.get(key);
    if (first)
      out.push({
        index,
        message: `${figure.metric} for stage ${figure.stage ?? "null"} is already given at ${first}`,
      });
    else seen.set(key, where);
  });
  return out;
}
