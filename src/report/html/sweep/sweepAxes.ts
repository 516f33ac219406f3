import { InputError } from "../../../errors.js";
import { isOk, type SweepPoint, type SweepTable } from "./sweepData.js";

export interface SweepGroup {
  /** "" when nothing else varies, else `path=value, ...`. */
  label: string;
  points: SweepPoint[];
}

export interface SweepAxes {
  x: string;
  numericX: boolean;
  /** Parameters besides x that vary; each combination of their values is one line. */
  groupBy: string[];
  groups: SweepGroup[];
  /** True when x is a closed population, so N/(D+Z) applies. */
  xIsPopulation: boolean;
}

const distinct = (t: SweepTable, p: string) => new Set(t.points.map((pt) => pt.params.get(p) ?? ""));
const POPULATION = /(^|\.)(users|workspaces|agents|clients|population)$/;

/** The x parameter (given, else the first that varies) and the lines: one per value of the others. */
export function chooseAxes(table: SweepTable, xParam?: string): SweepAxes {
  if (xParam !== undefined && !table.params.includes(xParam)) {
    throw new InputError({
      file: "--x",
      path: "",
      message: `"${xParam}" is not a varied parameter of ${table.file} (it has ${table.params.join(", ")})`,
    });
  }
  const varying = table.params.filter((p) => distinct(table, p).size > 1);
  const x = xParam ?? varying[0] ?? table.params[0]!;
  const groupBy = varying.filter((p) => p !== x);
  const numericX = table.points.every((pt) => {
    const v = pt.params.get(x) ?? "";
    return v !== "" && Number.isFinite(Number(v));
  });
  const byLabel = new Map<string, SweepPoint[]>();
  for (const pt of table.points) {
    const label = groupBy.map((p) => `${p}=${pt.params.get(p) ?? ""}`).join(", ");
    const group = byLabel.get(label);
    if (group) group.push(pt);
    else byLabel.set(label, [pt]);
  }
  const xOf = (pt: SweepPoint) => (numericX ? Number(pt.params.get(x)) : 0);
  const groups = [...byLabel].map(([label, points]) => ({
    label,
    points: numericX ? [...points].sort((a, b) => xOf(a) - xOf(b)) : points,
  }));
  return { x, numericX, groupBy, groups, xIsPopulation: numericX && POPULATION.test(x) };
}

/** The figure bounds are drawn on: the given one, else API requests per second (dashboard stage first). */
export function chooseThroughput(table: SweepTable, given?: string): string | undefined {
  if (given !== undefined) {
    if (!table.figures.includes(given)) {
      throw new InputError({
        file: "--throughput",
        path: "",
        message: `"${given}" is not a figure of ${table.file} (expected <metric>@<stage|all>, e.g. ${table.figures[0] ?? "api_rps_median@dashboard"})`,
      });
    }
    return given;
  }
  const rps = table.figures.filter((f) => /(^|_)rps(_|@|$)/.test(f));
  return rps.find((f) => f.endsWith("@dashboard")) ?? rps[0];
}

export const okPoints = (g: SweepGroup): SweepPoint[] => g.points.filter(isOk);
