import { existsSync } from "node:fs";
import { InputError } from "../../../errors.js";
import { inputLimits } from "../../../input/limits.js";
import { readInputText } from "../../../input/readInput.js";
import { type CsvRow, parseCsvRows } from "../../../measured/csvRows.js";
import { parseJsonText } from "../../../measured/jsonLocate.js";
import { MAX_GRID_POINTS } from "../../../sweep/grid.js";
import type { SweepFigure, SweepPoint, SweepTable } from "./sweepData.js";

const FIGURE_COLUMN = /^(.+@[^@:]+):(mean|ci95_lo|ci95_hi)$/;

/** Most columns a report draws (a capsim sweep has about 80): every 3 are a chart. */
export const MAX_REPORT_COLUMNS = 1000;
/** Most cells a report draws: each costs about 700 bytes on its way to SVG, so a report stays under 2 GB. */
export const MAX_REPORT_CELLS = MAX_GRID_POINTS * 250;
/** Longest column name or parameter value: each is drawn on every chart (axis labels, ticks, legends). */
export const MAX_LABEL_CHARS = 200;
/** Longest record: an error message is shown once, but a 200 MB one is not a capsim sweep's. */
const MAX_RECORD_CHARS = 1 << 20;

/** Column names and parameter values longer than a label may be: refused at their line. */
function refuseLongLabels(rows: readonly CsvRow[], file: string): void {
  const header = rows[0]?.fields ?? [];
  const long = header.findIndex((c) => c.length > MAX_LABEL_CHARS);
  if (long >= 0) {
    throw new InputError({
      file,
      line: 1,
      path: "",
      message: `column ${long + 1}'s name is longer than ${MAX_LABEL_CHARS} characters`,
    });
  }
  const params = header.flatMap((c, i) => (c.startsWith("param:") ? [i] : []));
  for (const row of rows.slice(1)) {
    const at = params.find((i) => (row.fields[i]?.length ?? 0) > MAX_LABEL_CHARS);
    if (at !== undefined) {
      throw new InputError({
        file,
        line: row.line,
        path: header[at]!,
        message: `longer than ${MAX_LABEL_CHARS} characters`,
      });
    }
  }
}

/** The rows of a sweep CSV, refused past a grid's points or the report's cells before they are parsed. */
function boundedRows(text: string, file: string): CsvRow[] {
  const limits = { maxRecordChars: MAX_RECORD_CHARS };
  const columns = parseCsvRows(text, file, { ...limits, maxRecords: 1 })[0]?.fields.length ?? 1;
  if (columns > MAX_REPORT_COLUMNS) {
    throw new InputError({
      file,
      line: 1,
      path: "",
      message: `too many columns to report: ${columns} (at most ${MAX_REPORT_COLUMNS}; a capsim sweep has about 80)`,
    });
  }
  const maxPoints = Math.min(MAX_GRID_POINTS, Math.floor(MAX_REPORT_CELLS / columns));
  const rows = parseCsvRows(text, file, { ...limits, maxRecords: maxPoints + 2 });
  const over = rows[maxPoints + 1];
  if (over) {
    throw new InputError({
      file,
      line: over.line,
      path: "",
      message:
        maxPoints === MAX_GRID_POINTS
          ? `more than ${MAX_GRID_POINTS} points: not a capsim sweep (a grid has at most ${MAX_GRID_POINTS})`
          : `too large to report: more than ${maxPoints} points of ${columns} columns (at most ${MAX_REPORT_CELLS} cells)`,
    });
  }
  refuseLongLabels(rows, file);
  return rows;
}

/** Parses a sweep CSV; a malformed number is `file:line: column: ...` (exit 2). */
export function parseSweepCsv(text: string, file: string): SweepTable {
  const rows = boundedRows(text, file);
  const header = rows[0];
  if (!header) throw new InputError({ file, path: "", message: "empty file: expected a header row" });
  const cols = header.fields;
  // A map, not indexOf: every cell of every row is looked up by its column's name.
  const columnIndex = new Map(cols.map((c, i) => [c, i] as const).reverse());
  const indexOf = (name: string) => columnIndex.get(name) ?? -1;
  if (indexOf("point") < 0) {
    throw new InputError({
      file,
      line: header.line,
      path: "",
      message: 'not a sweep CSV: no "point" column',
    });
  }
  const params = cols.filter((c) => c.startsWith("param:")).map((c) => c.slice("param:".length));
  if (params.length === 0) {
    throw new InputError({
      file,
      line: header.line,
      path: "",
      message: 'not a sweep CSV: no "param:<path>" column',
    });
  }
  const figures: string[] = [];
  for (const c of cols) {
    const m = FIGURE_COLUMN.exec(c);
    if (m && !figures.includes(m[1]!)) figures.push(m[1]!);
  }
  const resources = cols.filter((c) => c.startsWith("util:")).map((c) => c.slice("util:".length));

  const points: SweepPoint[] = rows.slice(1).map((row) => {
    const cell = (name: string): string => {
      const i = indexOf(name);
      return i < 0 ? "" : (row.fields[i] ?? "").trim();
    };
    const numberOf = (name: string): number | null => {
      const text = cell(name);
      if (text === "") return null;
      const v = Number(text);
      if (!Number.isFinite(v)) {
        throw new InputError({
          file,
          line: row.line,
          path: name,
          message: `expected a number, got "${text}"`,
        });
      }
      return v;
    };
    const figure = (key: string): SweepFigure => ({
      mean: numberOf(`${key}:mean`),
      lo: numberOf(`${key}:ci95_lo`),
      hi: numberOf(`${key}:ci95_hi`),
    });
    return {
      point: cell("point"),
      line: row.line,
      params: new Map(params.map((p) => [p, cell(`param:${p}`)])),
      figures: new Map(figures.map((k) => [k, figure(k)])),
      utilization: new Map(resources.map((r) => [r, numberOf(`util:${r}`)])),
      bottleneck: cell("bottleneck"),
      bottleneckUtilization: numberOf("bottleneck_utilization"),
      status: cell("status") || "ok",
      error: cell("error"),
    };
  });
  return { file, params, figures, resources, points };
}

/** Reads a sweep CSV and its `<file>.meta.json` sidecar when there is one. */
export function readSweep(file: string): SweepTable {
  const read = (f: string): string =>
    readInputText(f, { what: "sweep output", maxBytes: inputLimits.sweepBytes });
  const table = parseSweepCsv(read(file), file);
  const metaFile = `${file}.meta.json`;
  if (existsSync(metaFile)) table.meta = parseJsonText(read(metaFile), metaFile);
  return table;
}
