import type { ParamPath, ParamReport } from "./checks.js";
import type { HistogramBucket } from "./types.js";

/**
 * Reads one raw distribution spec as a model file writes it: duration keys bare, with `_s`, or with
 * `_ms` (divided by 1000; `mu_ms` shifted by −ln 1000), one unit per spec; unitless keys bare.
 */

export const SUFFIXES = ["", "_s", "_ms"] as const;
export type Suffix = (typeof SUFFIXES)[number];

const LN_1000 = Math.log(1000);

/** Converts a value written with `suffix` to seconds. */
function toSeconds(name: string, value: unknown, suffix: Suffix): unknown {
  if (suffix !== "_ms") return value;
  if (typeof value === "number") return name === "mu" ? value - LN_1000 : value / 1000;
  if (name === "samples") return (value as number[]).map((sample) => sample / 1000);
  return (value as HistogramBucket[]).map((bucket) => ({ le: bucket.le / 1000, count: bucket.count }));
}

export type IssueSink = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

/** Reads one raw spec: checks units are not mixed, converts to seconds, maps names back to user keys. */
export class SpecReader implements ParamReport {
  ok = true;
  private readonly values = new Map<string, unknown>();
  private readonly written = new Map<string, string>();
  private readonly suffix: Suffix = "";

  constructor(
    raw: Record<string, unknown>,
    private readonly option: { durationNames: readonly string[]; unitlessNames: readonly string[] },
    private readonly issues: IssueSink,
  ) {
    const found: { name: string; key: string; suffix: Suffix }[] = [];
    for (const name of option.durationNames) {
      for (const suffix of SUFFIXES) {
        if (raw[name + suffix] !== undefined) found.push({ name, key: name + suffix, suffix });
      }
    }
    const first = found[0];
    const clash = found.find((entry) => entry.suffix !== first?.suffix);
    if (first !== undefined && clash !== undefined) {
      this.issues.addIssue({
        code: "custom",
        path: [clash.key],
        message: `mixes units with ${first.key}: write every duration in a spec bare, all with _s, or all with _ms`,
      });
      this.ok = false;
      return;
    }
    this.suffix = first?.suffix ?? "";
    for (const entry of found) {
      this.values.set(entry.name, toSeconds(entry.name, raw[entry.key], entry.suffix));
      this.written.set(entry.name, entry.key);
    }
    for (const name of option.unitlessNames) {
      if (raw[name] !== undefined) {
        this.values.set(name, raw[name]);
        this.written.set(name, name);
      }
    }
  }

  key(param: string): string {
    const written = this.written.get(param);
    if (written !== undefined) return written;
    return this.option.unitlessNames.includes(param) ? param : param + this.suffix;
  }

  problem(path: ParamPath, message: string): void {
    const [head, ...rest] = path;
    this.issues.addIssue({
      code: "custom",
      path: head === undefined ? [] : [typeof head === "string" ? this.key(head) : head, ...rest],
      message,
    });
    this.ok = false;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  number(name: string): number | undefined {
    return this.values.get(name) as number | undefined;
  }

  list<T>(name: string): T[] {
    return this.values.get(name) as T[];
  }

  /** The value, or NaN after reporting it missing (NaN then fails no further check noisily). */
  required(name: string, why: string): number {
    const value = this.number(name);
    if (value !== undefined) return value;
    this.problem([name], `is required: ${why}`);
    return Number.NaN;
  }

  nonNegative(name: string, value: number, path: ParamPath = [name]): void {
    if (value < 0) this.problem(path, "must be ≥ 0 (durations, sizes and counts are never negative)");
  }

  /** Reports a key that belongs to another parameterisation and returns false, or true if absent. */
  absent(name: string, because: string): boolean {
    if (!this.has(name)) return true;
    this.problem([name], because);
    return false;
  }
}
