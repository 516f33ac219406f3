import { existsSync } from "node:fs";
import { InputError } from "../../../errors.js";
import { inputLimits } from "../../../input/limits.js";
import { readInputText } from "../../../input/readInput.js";
import { parseCsvRows } from "../../../measured/csvRows.js";
import { parseJsonText } from "../../../measured/jsonLocate.js";
import type { SweepFigure, SweepPoint, SweepTable } from "./sweepData.js";

const FIGURE_COLUMN = /^(.+@[^@:]+):(mean|ci95_lo|ci95_hi)$/;

/** Parses a sweep CSV; a malformed number is `file:line: column: ...` (exit 2). */
export function parseSweepCsv(text: string, file: string): SweepTable {
  const rows = parseCsvRows(text, file);
  const header = rows[0];
  if (!header) throw new InputError({ file, path: "", message: "empty file: expected a header row" });
  const cols = header.fields;
  const indexOf = (name: string) => cols.indexOf(name);
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
