import { CsvError, parse } from "csv-parse/sync";
import { InputError } from "../errors.js";

/** One CSV record and the file line it starts on. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Parses CSV into rows with their starting lines; quoting problems and rows with the wrong number of
 * fields become `file:line: ...` InputErrors. `lineOffset` accounts for lines removed before parsing;
 * `maxRecords` stops after that many records (the rest is not parsed), `maxRecordChars` refuses a longer
 * record.
 */
export function parseCsvRows(
  text: string,
  file: string,
  opts: { delimiter?: string; lineOffset?: number; maxRecords?: number; maxRecordChars?: number } = {},
): CsvRow[] {
  const offset = opts.lineOffset ?? 0;
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter: opts.delimiter ?? ",",
      info: true,
      skip_empty_lines: true,
      trim: false,
      // A byte-order mark (Excel's "CSV UTF-8") is not part of the first column's name.
      bom: true,
      ...(opts.maxRecords !== undefined ? { to: opts.maxRecords } : {}),
      ...(opts.maxRecordChars !== undefined ? { max_record_size: opts.maxRecordChars } : {}),
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === "number" ? error.lines : undefined;
      const message = error.message.replace(/ (on|at) line \d+\.?$/, "").replace(/\.$/, "");
      throw new InputError({
        file,
        ...(line ? { line: line + offset } : {}),
        path: "",
        message: `malformed CSV: ${message}`,
      });
    }
    throw error;
  }
  return parsed.map(({ record, info }) => {
    const embedded = record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
    return { fields: record, line: info.lines - embedded + offset };
  });
}
