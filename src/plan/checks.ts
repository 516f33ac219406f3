import type { RunSummary } from "../run/runScenario.js";
import { metricLabel } from "../sweep/columns.js";
import type { PointOutcome } from "../sweep/evaluate.js";
import { type Comparison, compare, type ResolvedSlo } from "./slo.js";

/** One pass/fail test of a simulated point: an SLO, or a resource's utilisation against the cap. */
export interface Check {
  kind: "slo" | "util";
  /** Metric label (`api_latency_p95_ms@all`) or resource name (`database cpu`). */
  name: string;
  op: Comparison;
  threshold: number;
  /** Mean over replications; null when the run produced no data for it. */
  value: number | null;
  /** 95% CI over replications; null with one replication. */
  ci: [number, number] | null;
  holds: boolean;
  /** The verdict is the same anywhere in the CI (false when the CI straddles the threshold or is unknown). */
  clear: boolean;
  /** Headroom as a fraction of the threshold (negative: by how much it fails); null without data. */
  margin: number | null;
  /** For a utilisation: the window it was judged in (the resource's busiest); absent: the whole traffic window. */
  window?: string;
}

export interface Assessment {
  passes: boolean;
  /** Every check's verdict is clear of simulation noise. */
  clear: boolean;
  checks: Check[];
  /** Failing checks, worst first. */
  failing: Check[];
  /** The check with the least headroom (what limits the point). */
  tightest: Check | undefined;
}

export interface AssessOptions {
  slos: readonly ResolvedSlo[];
  /** Utilisation cap for every resource, e.g. 0.8. */
  maxUtil: number;
  /** Hold only when the whole CI is on the right side of the threshold (default: the mean decides). */
  strict: boolean;
}

function margin(value: number, op: Comparison, threshold: number): number {
  const room = op === "<=" || op === "<" ? threshold - value : value - threshold;
  return threshold === 0 ? room : room / Math.abs(threshold);
}

/** The CI end that is worst for this comparison. */
function worstEnd(ci: [number, number], op: Comparison): number {
  return op === "<=" || op === "<" ? ci[1] : ci[0];
}

export function makeCheck(
  kind: Check["kind"],
  name: string,
  op: Comparison,
  threshold: number,
  value: number | null,
  ci: [number, number] | null,
  strict: boolean,
): Check {
  if (value === null || !Number.isFinite(value)) {
    return { kind, name, op, threshold, value: null, ci, holds: false, clear: true, margin: null };
  }
  const decidingValue = strict && ci ? worstEnd(ci, op) : value;
  const holds = compare(decidingValue, op, threshold);
  const clear = ci !== null && compare(ci[0], op, threshold) === compare(ci[1], op, threshold);
  return { kind, name, op, threshold, value, ci, holds, clear, margin: margin(value, op, threshold) };
}

/** Checks every SLO and every resource's utilisation of one simulated point. */
export function assess(outcome: PointOutcome, opts: AssessOptions): Assessment {
  const metrics = new Map(outcome.summary.metrics.map((m) => [metricLabel(m), m]));
  const checks: Check[] = opts.slos.map((slo) => {
    const m = metrics.get(slo.label);
    return makeCheck("slo", slo.label, slo.op, slo.threshold, m?.mean ?? null, m?.ci95 ?? null, opts.strict);
  });
  for (const r of outcome.summary.resources) {
    const u = judgedUtilization(outcome.summary, r.name)!;
    const ci = u.window ? u.ci95 : (outcome.utilizationCi[r.name] ?? null);
    const check = makeCheck("util", r.name, "<=", opts.maxUtil, u.value, ci, opts.strict);
    checks.push(u.window ? { ...check, window: u.window } : check);
  }
  const failing = checks
    .filter((c) => !c.holds)
    .sort((a, b) => (a.margin ?? -Infinity) - (b.margin ?? -Infinity));
  const tightest = [...checks].sort((a, b) => (a.margin ?? -Infinity) - (b.margin ?? -Infinity))[0];
  return { passes: failing.length === 0, clear: checks.every((c) => c.clear), checks, failing, tightest };
}

/**
 * A resource's utilisation as the checks judge it: the mean of its busiest window (a stage's load), else over
 * the whole traffic window (a resource without a window series). Undefined for an unknown resource.
 */
export function judgedUtilization(
  summary: RunSummary,
  resource: string,
): { value: number; window?: string; ci95: [number, number] | null } | undefined {
  const b = summary.bottleneck?.busiest_windows?.find((w) => w.resource === resource);
  if (b) return { value: b.utilization, window: b.window, ci95: b.ci95 };
  const r = summary.resources.find((x) => x.name === resource);
  return r && { value: r.utilization, ci95: null };
}

/** `api_latency_p95_ms@all 212 <= 300` / `util database cpu 0.83 > 0.8`, for messages. */
export function describeCheck(c: Check): string {
  const what = c.kind === "util" ? `utilisation of ${c.name}${c.window ? ` in ${c.window}` : ""}` : c.name;
  if (c.value === null) return `${what}: no data`;
  const opText = c.holds ? c.op : negate(c.op);
  const ci = c.ci ? ` (95% CI ${fmt(c.ci[0])}..${fmt(c.ci[1])})` : "";
  return `${what} ${fmt(c.value)} ${opText} ${fmt(c.threshold)}${ci}`;
}

function negate(op: Comparison): string {
  return { "<=": ">", "<": ">=", ">=": "<", ">": "<=" }[op];
}

/** Four significant figures: enough to read, few enough to scan. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
