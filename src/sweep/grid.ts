import { InputError } from "../errors.js";
import { parseSetOverride } from "../scenario/index.js";
import { textCell } from "./csvCell.js";

/** One value of a varied parameter: the text applied like `--set path=text`, and its typed value. */
export interface AxisValue {
  text: string;
  value: unknown;
}

/** One `--vary path=LIST`: a scenario path and the values it takes, in the order given. */
export interface Axis {
  /** The dotted path as typed (`workload.users`). */
  path: string;
  values: AxisValue[];
}

/** A point of the Cartesian grid: its index in the canonical order and one value per axis. */
export interface GridPoint {
  index: number;
  values: AxisValue[];
}

/** More points than this on one axis is almost certainly a typo in a range. */
export const MAX_AXIS_VALUES = 100_000;
/** Every point is loaded and checked before any runs (about 1 ms each): more is refused at once. */
export const MAX_GRID_POINTS = 10_000;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const RANGE = new RegExp(`^\\s*(${NUMBER})\\s*\\.\\.\\s*(${NUMBER})\\s*(?::\\s*(${NUMBER})\\s*)?$`);

function fail(arg: string, message: string): never {
  throw new InputError({ file: `--vary ${arg}`, path: "", message });
}

/**
 * Decimal places a number's text needs, so range values print as typed (0.1 + 0.2 → 0.3); an
 * exponent moves them (`1e-3` needs 3, `2.5e2` none).
 */
function decimalsOf(text: string): number {
  const [mantissa = "", exponent = "0"] = text.split(/[eE]/);
  const m = /\.(\d+)/.exec(mantissa);
  return Math.min(100, Math.max(0, (m ? m[1]!.length : 0) - Number(exponent)));
}

/** `start..end:step` (step defaults to 1; end < start counts down), both ends included. */
function rangeValues(arg: string, m: RegExpExecArray): string[] {
  const [startText, endText, stepText = "1"] = [m[1]!, m[2]!, m[3]];
  const start = Number(startText);
  const end = Number(endText);
  const step = Number(stepText);
  if (!(step > 0) || !Number.isFinite(step))
    fail(arg, `range step must be a positive number, got ${stepText}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) fail(arg, "range ends must be finite numbers");
  const count = Math.floor(Math.abs(end - start) / step + 1e-9) + 1;
  if (!(count <= MAX_AXIS_VALUES)) fail(arg, `range has ${count} values (at most ${MAX_AXIS_VALUES})`);
  const decimals = Math.max(decimalsOf(startText), decimalsOf(stepText));
  const sign = end >= start ? 1 : -1;
  return Array.from({ length: count }, (_, i) => String(Number((start + sign * i * step).toFixed(decimals))));
}

/** Splits `a,b,"c,d"` on commas outside quotes. */
function splitList(text: string): string[] {
  const items: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ",") {
      items.push(current.trim());
      current = "";
    } else current += ch;
  }
  items.push(current.trim());
  return items;
}

/** Parses `path=LIST`; LIST is `a,b,c` (YAML scalars, typed like --set) or `start..end:step`. */
export function parseAxis(arg: string): Axis {
  const eq = arg.indexOf("=");
  if (eq <= 0) fail(arg, "expected dotted.path=LIST (a,b,c or start..end:step)");
  const path = arg.slice(0, eq).trim();
  const list = arg.slice(eq + 1);
  const range = RANGE.exec(list);
  const texts = range ? rangeValues(arg, range) : splitList(list);
  if (texts.some((t) => t === "")) fail(arg, "empty value in list");
  const seen = new Set<string>();
  const values = texts.map((text) => {
    const typed = parseSetOverride(`${path}=${text}`);
    const key = JSON.stringify(typed.value);
    if (seen.has(key)) fail(arg, `value ${text} appears twice (each grid point must be distinct)`);
    seen.add(key);
    return { text, value: typed.value };
  });
  return { path, values };
}

/** A path's identity whatever its spelling (`a.b` and ` a.b `, escapes resolved). */
export function pathKey(pathText: string): string {
  return parseSetOverride(`${pathText}=0`).path.join("\u0000");
}

/** Parses every `--vary`; a path may be varied once. */
export function parseAxes(args: readonly string[]): Axis[] {
  const axes = args.map(parseAxis);
  const seen = new Set<string>();
  for (const [i, axis] of axes.entries()) {
    const key = pathKey(axis.path);
    if (seen.has(key)) fail(args[i]!, `${axis.path} is varied twice`);
    seen.add(key);
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS) {
    throw new InputError({
      file: "--vary",
      path: "",
      message: `grid has ${points} points (at most ${MAX_GRID_POINTS})`,
    });
  }
  return axes;
}

/** Number of points of the grid (1 with no axes: the scenario itself). */
export function gridSize(axes: readonly Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** Point `index` of the canonical order: axes as given, first axis outermost, values in listed order. */
export function gridPoint(axes: readonly Axis[], index: number): GridPoint {
  const values: AxisValue[] = new Array(axes.length);
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const axis = axes[a]!;
    values[a] = axis.values[rest % axis.values.length]!;
    rest = Math.floor(rest / axis.values.length);
  }
  return { index, values };
}

/**
 * The grid's corners (each axis at its first and last value; up to 6 axes, the rest at their first):
 * loaded before the whole grid, they show an absurd range at once.
 */
export function cornerPoints(axes: readonly Axis[]): GridPoint[] {
  const varied = axes
    .map((a, i) => ({ i, last: a.values.length - 1 }))
    .filter((a) => a.last > 0)
    .slice(0, 6);
  const indexes = new Set<number>();
  for (let mask = 0; mask < 1 << varied.length; mask++) {
    const chosen = new Array<number>(axes.length).fill(0);
    varied.forEach((a, bit) => {
      if (mask & (1 << bit)) chosen[a.i] = a.last;
    });
    indexes.add(chosen.reduce((index, v, a) => index * axes[a]!.values.length + v, 0));
  }
  return [...indexes].sort((a, b) => a - b).map((index) => gridPoint(axes, index));
}

/** Every point in canonical order. */
export function gridPoints(axes: readonly Axis[]): GridPoint[] {
  return Array.from({ length: gridSize(axes) }, (_, i) => gridPoint(axes, i));
}

/** How a typed value is written in a CSV cell: strings bare (a formula escaped), everything else as JSON. */
export function cellOfValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? textCell(value) : JSON.stringify(value);
}
