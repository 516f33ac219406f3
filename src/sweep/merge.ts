import { InputError, type InputIssue } from "../errors.js";
import { readSweepCsv, writeSweepCsv } from "./csvFile.js";
import { axesOfMeta, mergeRowProblem } from "./mergeRows.js";
import { mismatchIssue, readSidecar, type SweepMeta, sweepMismatches, writeSidecar } from "./sidecar.js";

export interface MergedSweep {
  meta: SweepMeta;
  rows: Map<number, string[]>;
  /** Points whose row has status=error (present, but without figures). */
  errorPoints: number[];
}

/** `0-3, 7, 9-10`: long lists of point indexes stay readable. */
export function formatIndexRanges(indexes: readonly number[], maxRanges = 30): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  const shown = ranges.slice(0, maxRanges).join(", ");
  return ranges.length > maxRanges ? `${shown}, ... (${ranges.length - maxRanges} more ranges)` : shown;
}

/**
 * Merges shard CSVs: all must be the same sweep (scenario hash, model, capsim version, seed,
 * replications, grid, columns) and together hold every point exactly once. Problems are InputErrors.
 */
export function mergeSweeps(files: readonly string[]): MergedSweep {
  if (files.length === 0) throw new InputError({ file: "capsim merge", path: "", message: "no input files" });
  const sidecars = files.map((f) => readSidecar(f));
  const metas = sidecars.map((s) => s.meta);
  const reference = metas[0]!;
  const issues: InputIssue[] = [];
  sidecars.forEach((side) => {
    for (const m of sweepMismatches(reference, side.meta, { shard: false }))
      issues.push(mismatchIssue(side, m, "not the same sweep", `in ${sidecars[0]!.file}`));
  });
  if (issues.length > 0) throw new InputError(issues);
  const axes = axesOfMeta(reference);

  const rows = new Map<number, string[]>();
  const foundIn = new Map<number, { file: string; line: number }[]>();
  const rowIssues: InputIssue[] = [];
  files.forEach((file, i) => {
    const csv = readSweepCsv(file);
    if (csv.header.join("\u0000") !== metas[i]!.columns.join("\u0000")) {
      issues.push({ file, line: 1, path: "", message: "header does not match the columns in its sidecar" });
      return;
    }
    for (const { index, line } of csv.duplicates)
      foundIn.set(index, [...(foundIn.get(index) ?? []), { file, line }]);
    for (const [index, row] of csv.rows) {
      const line = csv.lines.get(index)!;
      foundIn.set(index, [...(foundIn.get(index) ?? []), { file, line }]);
      const problem =
        index >= reference.grid.points
          ? {
              column: "point",
              message: `point ${index} is outside the grid (0-${reference.grid.points - 1})`,
            }
          : mergeRowProblem(row, index, reference, axes);
      if (problem) rowIssues.push({ file, line, path: problem.column, message: problem.message });
      rows.set(index, row);
    }
  });
  issues.push(...rowIssues.slice(0, 20));
  if (rowIssues.length > 20)
    issues.push({
      file: "capsim merge",
      path: "",
      message: `... ${rowIssues.length - 20} more rows refused`,
    });
  const duplicated = [...foundIn].filter(([, where]) => where.length > 1);
  for (const [index, where] of duplicated.slice(0, 20)) {
    const [first, ...others] = where;
    const also = others.map((w) => `${w.file}:${w.line}`).join(", ");
    issues.push({
      ...first!,
      path: "point",
      message: `point ${index} appears ${where.length} times (also ${also})`,
    });
  }
  if (duplicated.length > 20) {
    issues.push({
      file: "capsim merge",
      path: "",
      message: `... ${duplicated.length - 20} more duplicated points`,
    });
  }
  const missing: number[] = [];
  for (let i = 0; i < reference.grid.points; i++) if (!rows.has(i)) missing.push(i);
  if (missing.length > 0) {
    issues.push({
      file: "capsim merge",
      path: "",
      message: `${missing.length} of ${reference.grid.points} points missing: ${formatIndexRanges(missing)} (a shard not given, or not finished: run it again with --resume)`,
    });
  }
  if (issues.length > 0) throw new InputError(issues);
  const status = reference.columns.indexOf("status");
  const errorPoints = [...rows].filter(([, row]) => row[status] === "error").map(([i]) => i);
  return { meta: { ...reference, shard: null }, rows, errorPoints: errorPoints.sort((a, b) => a - b) };
}

/** Writes the merged CSV (sorted, atomically) and its sidecar, as an unsharded sweep would have. */
export function writeMergedSweep(outPath: string, merged: MergedSweep): void {
  writeSweepCsv(outPath, merged.meta.columns, merged.rows.values());
  writeSidecar(outPath, merged.meta);
}
