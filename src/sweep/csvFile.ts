import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../output/atomicFile.js";

/** One CSV record, newline-terminated. Cells are already strings, so equal rows give equal bytes. */
export function csvLine(cells: readonly string[]): string {
  return stringify([cells as string[]]);
}

/** Header then rows sorted by point index: the bytes depend on the results only, not on their order. */
export function sweepCsvText(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const sorted = [...rows].sort((a, b) => Number(a[0]) - Number(b[0]));
  return csvLine(header) + sorted.map(csvLine).join("");
}

/** Rewrites the file sorted, atomically (a reader never sees it half-written). */
export function writeSweepCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly string[]>,
): void {
  writeFileAtomic(path, sweepCsvText(header, rows));
}

export interface SweepCsv {
  header: string[];
  /** Rows by point index. */
  rows: Map<number, string[]>;
  /** Point indexes that appear more than once (only possible in hand-edited or concatenated files). */
  duplicates: number[];
}

/**
 * Reads a sweep CSV. Every record is one line, so a last line torn by a crash (no final newline) is
 * dropped rather than failing the whole file.
 */
export function readSweepCsv(path: string): SweepCsv {
  if (!existsSync(path)) throw new InputError({ file: path, path: "", message: "no such file" });
  let text = readFileSync(path, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) text = text.slice(0, text.lastIndexOf("\n") + 1);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true }) as string[][];
  } catch (error) {
    throw new InputError({ file: path, path: "", message: `not a valid CSV: ${(error as Error).message}` });
  }
  const [header, ...body] = records;
  if (header?.[0] !== "point") {
    throw new InputError({
      file: path,
      line: 1,
      path: "",
      message: 'not a capsim sweep CSV (first column must be "point")',
    });
  }
  const rows = new Map<number, string[]>();
  const duplicates: number[] = [];
  body.forEach((row, i) => {
    const line = i + 2;
    if (row.length !== header.length) {
      throw new InputError({
        file: path,
        line,
        path: "",
        message: `${row.length} cells, the header has ${header.length}`,
      });
    }
    const index = Number(row[0]);
    if (!Number.isInteger(index) || index < 0 || row[0]!.trim() !== row[0]) {
      throw new InputError({ file: path, line, path: "point", message: `not a point index: "${row[0]}"` });
    }
    if (rows.has(index)) duplicates.push(index);
    else rows.set(index, row);
  });
  return { header, rows, duplicates };
}

/** Appends rows durably: each one is on disk (fsync) before `append` returns. */
export class DurableAppender {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  append(cells: readonly string[]): void {
    if (this.fd === undefined) throw new Error(`appender for ${this.path} is closed`);
    writeSync(this.fd, csvLine(cells));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
