import { InputError } from "../errors.js";
import { type MetricKey, metricLabel } from "../sweep/columns.js";

export type Comparison = "<=" | "<" | ">=" | ">";

/** `api_latency_p95_ms<=300` or `api_rps_median@dashboard>=100`, as typed. */
export interface Slo {
  text: string;
  name: string;
  /** Stage as typed: a stage name, null for `@all`, undefined when not given. */
  stage: string | null | undefined;
  op: Comparison;
  threshold: number;
}

/** An SLO bound to one summary metric of the scenario. */
export interface ResolvedSlo extends Slo {
  stage: string | null;
  /** `name@stage`, as in sweep CSV columns. */
  label: string;
}

const SLO_PATTERN = /^\s*([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?\s*(<=|>=|<|>)\s*(\S+)\s*$/;

/** Coder's published target for API latency (docs/admin/infrastructure/scale-testing.md). */
export const DEFAULT_PLAN_SLOS = ["api_latency_p95_ms<=300"] as const;

export function parseSlo(text: string): Slo {
  const m = SLO_PATTERN.exec(text);
  const threshold = m ? Number(m[4]) : Number.NaN;
  if (!m || !Number.isFinite(threshold)) {
    throw new InputError({
      file: `--slo ${text}`,
      path: "",
      message:
        "expected metric<=number (operators <=, <, >=, >; metric as in the summary, optionally name@stage)",
    });
  }
  const stage = m[2] === undefined ? undefined : m[2] === "all" ? null : m[2];
  return { text, name: m[1]!, stage, op: m[3] as Comparison, threshold };
}

/** Binds SLOs to the scenario's metrics; unknown or ambiguous names are bad input. */
export function resolveSlos(slos: readonly Slo[], metrics: readonly MetricKey[]): ResolvedSlo[] {
  return slos.map((slo) => {
    const fail = (message: string): never => {
      throw new InputError({ file: `--slo ${slo.text}`, path: "", message });
    };
    const named = metrics.filter((m) => m.name === slo.name);
    if (named.length === 0) {
      const known = [...new Set(metrics.map((m) => m.name))].join(", ");
      return fail(`no summary metric "${slo.name}" in this scenario (known: ${known})`);
    }
    const matches = slo.stage === undefined ? named : named.filter((m) => m.stage === slo.stage);
    if (matches.length === 0) {
      return fail(
        `"${slo.name}" has no stage ${slo.stage ?? "all"} here; use ${named.map(metricLabel).join(" or ")}`,
      );
    }
    if (matches.length > 1) {
      return fail(`"${slo.name}" is measured per stage; say which: ${matches.map(metricLabel).join(", ")}`);
    }
    const metric = matches[0]!;
    return { ...slo, stage: metric.stage, label: metricLabel(metric) };
  });
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case "<=":
      return value <= threshold;
    case "<":
      return value < threshold;
    case ">=":
      return value >= threshold;
    case ">":
      return value > threshold;
  }
}
