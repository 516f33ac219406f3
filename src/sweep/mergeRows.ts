import { leadingCells, rowHash } from "./columns.js";
import { isNumberCell, textCell } from "./csvCell.js";
import { type Axis, gridPoint } from "./grid.js";
import type { SweepMeta } from "./sidecar.js";

/** The grid's axes as a sidecar records them. */
export function axesOfMeta(meta: SweepMeta): Axis[] {
  return meta.grid.axes.map((a) => ({
    path: a.path,
    values: a.values.map((value) => ({ text: "", value })),
  }));
}

/** What a cell of `column` may hold, as capsim writes it. */
function cellFits(column: string, cell: string): boolean {
  switch (column) {
    case "status":
      return cell === "ok" || cell === "error";
    case "bottleneck":
    case "error":
      return textCell(cell) === cell;
    case "scenario_sha256":
      return /^[0-9a-f]{64}$/.test(cell);
    case "row_sha256":
      return true;
    default:
      return isNumberCell(cell);
  }
}

/**
 * Why a whole row of point `index` (inside the grid) that merge read is not one capsim wrote for this
 * sweep: edited (row_sha256), parameters that are not its grid point's, or a cell capsim would not
 * write (a status other than ok/error, a figure that is not a number, text a spreadsheet would run).
 * Merge has only the sidecars, so the point's scenario hash is checked by --resume, not here.
 */
export function mergeRowProblem(
  row: readonly string[],
  index: number,
  meta: SweepMeta,
  axes: readonly Axis[],
): { column: string; message: string } | undefined {
  const n = row.length;
  if (rowHash(row.slice(0, n - 1)) !== row[n - 1])
    return { column: "row_sha256", message: "edited: it does not match the row's cells" };
  const expected = leadingCells(gridPoint(axes, index));
  const at = expected.findIndex((cell, i) => row[i] !== cell);
  if (at >= 0) {
    return {
      column: meta.columns[at]!,
      message: `"${row[at]!.slice(0, 40)}" is not point ${index}'s value, "${expected[at]!.slice(0, 40)}"`,
    };
  }
  for (let i = expected.length; i < n; i++) {
    const column = meta.columns[i]!;
    if (!cellFits(column, row[i]!))
      return { column, message: `"${row[i]!.slice(0, 40)}" is not a value capsim writes there` };
  }
  return undefined;
}
