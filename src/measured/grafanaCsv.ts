import { InputError } from "../errors.js";
import { type CsvRow, parseCsvRows } from "./csvRows.js";
import { parseSampleLine } from "./promText.js";
import type { MeasuredSample } from "./sample.js";
import { stripBom } from "./textPos.js";
import { parseGrafanaTime } from "./time.js";
import { parseQuantity } from "./units.js";

/** A Grafana "Download for Excel" export starts with a delimiter hint such as `sep=,`. */
export const SEP_LINE = /^sep=(.)[ \t]*\r?$/;

interface Column {
  index: number;
  header: string;
  name: string;
  labels: Record<string, string>;
  unit?: string;
}

/**
 * Reads a Grafana panel CSV export (Inspect → Data → Download CSV): an optional `sep=` line and BOM,
 * a quoted header, a `Time` column of epoch ms or date strings, one column per series. Values with unit
 * suffixes ("12.3 ms", "45%") are converted to SI; suffixes capsim does not know are rejected.
 */
export function readGrafanaCsv(text: string, file: string): MeasuredSample[] {
  let body = stripBom(text);
  let delimiter = ",";
  let lineOffset = 0;
  const firstLineEnd = body.indexOf("\n");
  const firstLine = firstLineEnd < 0 ? body : body.slice(0, firstLineEnd);
  const sep = SEP_LINE.exec(firstLine);
  if (sep) {
    delimiter = sep[1]!;
    body = firstLineEnd < 0 ? "" : body.slice(firstLineEnd + 1);
    lineOffset = 1;
  }
  const rows = parseCsvRows(body, file, { delimiter, lineOffset });
  const header = rows[0];
  if (!header) throw new InputError({ file, path: "", message: "empty CSV: expected a header row" });
  const timeIndex = findTimeColumn(header, rows);
  if (timeIndex < 0) {
    throw new InputError({
      file,
      line: header.line,
      path: "",
      message: 'no time column: expected a "Time" header',
    });
  }
  const columns = header.fields
    .map((h, index) => ({ h, index }))
    .filter(({ index }) => index !== timeIndex)
    .map(({ h, index }) => columnOf(h.trim(), index));
  const samples: MeasuredSample[] = [];
  for (const row of rows.slice(1)) {
    if (row.fields.length !== header.fields.length) {
      throw new InputError({
        file,
        line: row.line,
        path: "",
        message: `row has ${row.fields.length} fields but the header has ${header.fields.length}`,
      });
    }
    const time = parseGrafanaTime(row.fields[timeIndex]!);
    if (!time) {
      throw new InputError({
        file,
        line: row.line,
        path: header.fields[timeIndex]!,
        message: `"${row.fields[timeIndex]}" is not epoch milliseconds or a date`,
      });
    }
    for (const column of columns) {
      const cell = row.fields[column.index]!.trim();
      if (cell === "" || cell === "null" || cell === "undefined") continue;
      const value = cellValue(cell, column, row, file);
      samples.push({
        source: "grafana-csv",
        metric: column.name,
        rawMetric: column.name,
        labels: column.labels,
        stage: null,
        unit: column.unit ?? "1",
        scope: null,
        t: time.seconds,
        value,
        file,
        line: row.line,
        ...(time.assumption ? { note: time.assumption } : {}),
      });
    }
  }
  return samples;
}

function findTimeColumn(header: CsvRow, rows: readonly CsvRow[]): number {
  const named = header.fields.findIndex((h) => /^time$/i.test(h.trim()));
  if (named >= 0) return named;
  // Renamed time fields ("Time (UTC)", "date") are accepted when every row parses as a time.
  const first = header.fields[0] ?? "";
  const parses = rows.slice(1).every((r) => parseGrafanaTime(r.fields[0] ?? "") !== undefined);
  return /time|date/i.test(first) && parses ? 0 : -1;
}

/** Headers are display names, `name{label="v"}` or a bare label set `{__name__="x", pod="y"}`. */
function columnOf(header: string, index: number): Column {
  const parsed = tryLabels(header);
  if (!parsed) return { index, header, name: header, labels: {} };
  const { __name__: name, ...labels } = parsed.labels;
  return { index, header, name: parsed.name ?? name ?? header, labels };
}

function tryLabels(header: string): { name?: string; labels: Record<string, string> } | undefined {
  try {
    if (/^\{.*\}$/.test(header)) return { labels: parseSampleLine(`x${header} 0`, false).labels };
    if (/^[a-zA-Z_:][a-zA-Z0-9_:]*\{.*\}$/.test(header)) {
      const point = parseSampleLine(`${header} 0`, false);
      return { name: point.name, labels: point.labels };
    }
  } catch {
    // Not a label set after all: the header stays a display name.
  }
  return undefined;
}

function cellValue(cell: string, column: Column, row: CsvRow, file: string): number {
  const q = parseQuantity(cell);
  const fail = (message: string): never => {
    throw new InputError({ file, line: row.line, path: column.header, message });
  };
  if (q === undefined) return fail(`"${cell}" is not a number`);
  if ("unknownSuffix" in q) {
    return fail(
      `"${cell}" has a unit capsim cannot convert ("${q.unknownSuffix}"); export with "Formatted data" off to get raw numbers`,
    );
  }
  const suffixed = !/^[-+]?(\d|\.\d)[\d.eE+-]*$/.test(cell) && !/^[-+]?(NaN|Inf|nan|inf)$/.test(cell);
  if (suffixed) {
    if (column.unit !== undefined && column.unit !== q.unit) {
      fail(`"${cell}" is in ${q.unit} but earlier values of this column are in ${column.unit}`);
    }
    column.unit = q.unit;
  }
  return q.value;
}
