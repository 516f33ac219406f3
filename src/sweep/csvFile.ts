import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { writeAll, writeFileAtomic } from "../output/atomicFile.js";
import { MAX_GRID_POINTS } from "./grid.js";

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
  /** The line of each row in `rows` (every record is one line). */
  lines: Map<number, number>;
  /** Point indexes that appear more than once (only possible in hand-edited or concatenated files). */
  duplicates: { index: number; line: number }[];
  /** With `lenient`: rows left out because they are malformed (a torn or edited line), and why. */
  dropped: { line: number; reason: string }[];
}

/**
 * Reads a sweep CSV. Every record is one line, so a last line torn by a crash (no final newline) is
 * dropped rather than failing the whole file.
 */
export function readSweepCsv(path: string, opts: { lenient?: boolean } = {}): SweepCsv {
  let text = readInputText(path, { what: "sweep CSV", maxBytes: inputLimits.sweepBytes });
  const dropped: SweepCsv["dropped"] = [];
  if (text.length > 0 && !text.endsWith("\n")) {
    const cut = text.lastIndexOf("\n") + 1;
    if (cut > 0)
      dropped.push({ line: text.slice(0, cut).split("\n").length, reason: "torn (no end of line)" });
    text = text.slice(0, cut);
  }
  let records: string[][];
  try {
    // One record past the grid's limit is enough to refuse: a forged file is never parsed whole.
    records = parse(text, { bom: true, relax_column_count: true, to: MAX_GRID_POINTS + 2 }) as string[][];
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
  if (body.length > MAX_GRID_POINTS) {
    throw new InputError({
      file: path,
      line: MAX_GRID_POINTS + 2,
      path: "",
      message: `more than ${MAX_GRID_POINTS} points: not a capsim sweep (a grid has at most ${MAX_GRID_POINTS})`,
    });
  }
  const rows = new Map<number, string[]>();
  const lines = new Map<number, number>();
  const duplicates: SweepCsv["duplicates"] = [];
  for (const [i, row] of body.entries()) {
    const line = i + 2;
    const bad = (at: string, reason: string): void => {
      if (!opts.lenient) throw new InputError({ file: path, line, path: at, message: reason });
      dropped.push({ line, reason });
    };
    if (row.length !== header.length) {
      bad("", `${row.length} cells, the header has ${header.length}`);
      continue;
    }
    const index = Number(row[0]);
    if (!Number.isSafeInteger(index) || index < 0 || row[0]!.trim() !== row[0]) {
      bad("point", `not a point index: "${row[0]!.slice(0, 40)}"`);
      continue;
    }
    if (rows.has(index)) duplicates.push({ index, line });
    else {
      rows.set(index, row);
      lines.set(index, line);
    }
  }
  return { header, rows, lines, duplicates, dropped };
}

/**
 * Appends rows durably: each one is on disk (fsync) before `append` returns. A short write is carried
 * on until every byte is written; a failed one (disk full) is cut back off, so the file never keeps
 * half a row followed by whole ones.
 */
export class DurableAppender {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  append(cells: readonly string[]): void {
    if (this.fd === undefined) throw new Error(`appender for ${this.path} is closed`);
    const before = fstatSync(this.fd).size;
    try {
      writeAll(this.fd, csvLine(cells));
      fsyncSync(this.fd);
    } catch (error) {
      try {
        ftruncateSync(this.fd, before);
      } catch {
        // the torn row is then dropped by the next --resume
      }
      throw error;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
