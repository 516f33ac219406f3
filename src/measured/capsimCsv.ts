import { stringify } from "csv-stringify/sync";
import { InputError, type InputIssue } from "../errors.js";
import {
  allowedStages,
  duplicateFigures,
  figureToSample,
  sampleToFigure,
  validateFigure,
} from "./capsimFigure.js";
import { parseCsvRows } from "./csvRows.js";
import type { MeasuredSample } from "./sample.js";
import { stripBom } from "./textPos.js";

/** Columns of capsim's CSV, in the order the writer emits them. */
export const CAPSIM_CSV_COLUMNS = ["metric", "stage", "value", "lo", "hi", "unit", "scope", "note"] as const;

type Column = (typeof CAPSIM_CSV_COLUMNS)[number];

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** True when a first line is capsim's CSV header (any order, `metric` and `value` or `lo`/`hi` present). */
export function isCapsimCsvHeader(line: string): boolean {
  const fields = line.split(",").map((f) =>
    f
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim(),
  );
  return (
    fields.includes("metric") &&
    (fields.includes("value") || fields.includes("lo")) &&
    fields.every((f) => (CAPSIM_CSV_COLUMNS as readonly string[]).includes(f))
  );
}

/**
 * Reads capsim's CSV: header `metric,stage,value,lo,hi,unit,scope,note` (any order; unused columns may
 * be left out), one figure per row, `value` or `lo`+`hi`. Stage windows need the YAML form.
 */
export function readCapsimCsv(text: string, file: string): MeasuredSample[] {
  const rows = parseCsvRows(stripBom(text), file);
  const header = rows[0];
  if (!header)
    throw new InputError({
      file,
      path: "",
      message: "empty file: expected the header metric,stage,value,lo,hi,unit,scope,note",
    });
  const issues: InputIssue[] = [];
  const columns = header.fields.map((f) => f.trim());
  const index = new Map<Column, number>();
  columns.forEach((name, i) => {
    if (!(CAPSIM_CSV_COLUMNS as readonly string[]).includes(name)) {
      issues.push({
        file,
        line: header.line,
        path: name,
        message: `unknown column; expected ${CAPSIM_CSV_COLUMNS.join(",")}`,
      });
    } else if (index.has(name as Column)) {
      issues.push({ file, line: header.line, path: name, message: "column appears twice" });
    } else index.set(name as Column, i);
  });
  if (!index.has("metric"))
    issues.push({ file, line: header.line, path: "metric", message: "the header needs a metric column" });
  if (issues.length > 0) throw new InputError(issues);

  const stageNames = allowedStages([]);
  const figures: { sample: MeasuredSample; where: string; line: number }[] = [];
  for (const row of rows.slice(1)) {
    const cell = (name: Column): string | undefined => {
      const i = index.get(name);
      const v = i === undefined ? undefined : row.fields[i]?.trim();
      return v === "" ? undefined : v;
    };
    let malformed = false;
    const numberAt = (name: Column): number | undefined => {
      const v = cell(name);
      if (v === undefined) return undefined;
      if (!NUMBER.test(v)) {
        issues.push({ file, line: row.line, path: name, message: `"${v}" is not a number` });
        malformed = true;
      }
      return Number(v);
    };
    const value = numberAt("value");
    const lo = numberAt("lo");
    const hi = numberAt("hi");
    if (malformed) continue;
    if ((lo === undefined) !== (hi === undefined)) {
      issues.push({
        file,
        line: row.line,
        path: lo === undefined ? "lo" : "hi",
        message: "give both lo and hi for a range",
      });
      continue;
    }
    const input: Record<string, unknown> = {
      metric: cell("metric"),
      stage: cell("stage"),
      value,
      range: lo === undefined ? undefined : [lo, hi],
      unit: cell("unit"),
      scope: cell("scope"),
      note: cell("note"),
    };
    const result = validateFigure(input, stageNames);
    for (const issue of result.issues) {
      const column =
        issue.field === "range"
          ? "lo"
          : issue.field === "range.0"
            ? "lo"
            : issue.field === "range.1"
              ? "hi"
              : issue.field;
      issues.push({ file, line: row.line, path: column, message: issue.message });
    }
    if (result.figure)
      figures.push({
        sample: figureToSample(result.figure, file, row.line),
        where: `line ${row.line}`,
        line: row.line,
      });
  }
  const located = figures.map((f) => ({ figure: sampleToFigure(f.sample), where: f.where }));
  for (const dup of duplicateFigures(located)) {
    issues.push({ file, line: figures[dup.index]!.line, path: "metric", message: dup.message });
  }
  if (issues.length > 0) throw new InputError(issues);
  return figures.map((f) => f.sample);
}

/** Writes summary figures as capsim CSV; readCapsimCsv reads it back unchanged. */
export function formatCapsimCsv(figures: readonly MeasuredSample[]): string {
  const rows = figures.map((sample) => {
    const f = sampleToFigure(sample);
    return [
      f.metric,
      f.stage ?? "",
      f.value === undefined ? "" : String(f.value),
      f.range ? String(f.range[0]) : "",
      f.range ? String(f.range[1]) : "",
      f.unit,
      f.scope ?? "",
      f.note ?? "",
    ];
  });
  return stringify([[...CAPSIM_CSV_COLUMNS], ...rows]);
}
