import { deriveSeed } from "../engine/random/streams.js";
import { type ConfidenceInterval, confidenceInterval } from "../engine/stats/confidence.js";
import { runReplications } from "../engine/stats/replications.js";
import type { VerifyCase } from "./cases.js";
import { simulateOpenNetwork } from "./openNetwork.js";

/** Confidence level shown for every mean. */
export const DISPLAY_LEVEL = 0.95;
/** Share of each replication's customers dropped as warm-up (the system starts empty). */
export const WARMUP_FRACTION = 0.1;

export interface VerifyOptions {
  /** Customers per replication, warm-up included. */
  customers: number;
  replications: number;
  seed: number | string;
  /** Called after every replication (progress reporting). */
  onReplication?: (caseIndex: number, replication: number) => void;
}

export type CheckVerdict = "pass" | "marginal" | "fail";

/** One simulated mean against its closed form. */
export interface CheckResult {
  metric: "mean_wait_s" | "mean_response_s";
  analytic: number;
  /** 95% Student t interval over the replications. */
  ci: ConfidenceInterval;
  /** The wider Bonferroni interval that keeps the whole run's false-alarm rate at 5%. */
  family_ci: ConfidenceInterval;
  /** pass: analytic inside the 95% CI; marginal: outside it but inside the family CI; fail: outside both. */
  verdict: CheckVerdict;
}

export interface CaseResult {
  id: string;
  formula: string;
  utilization: number;
  customers: number;
  warmup_customers: number;
  replications: number;
  events: number;
  checks: CheckResult[];
  verdict: CheckVerdict;
}

export interface VerifyReport {
  seed: number | string;
  level: number;
  /** Per-check level of the family intervals: 1 − 0.05/checks (Bonferroni). */
  family_level: number;
  cases: CaseResult[];
  /** fail if any check fails; marginal results are expected about once in 20 checks by chance. */
  verdict: "pass" | "fail";
}

/**
 * Runs each case as independent replications and compares the simulated mean wait and response with
 * the closed form. With m checks, each is also tested at level 1 − 0.05/m, so a correct simulator fails
 * a whole run (any seed) with probability at most 5%; the 95% intervals are what is displayed.
 */
export function runVerify(cases: readonly VerifyCase[], options: VerifyOptions): VerifyReport {
  const checksTotal = cases.length * 2;
  const familyLevel = 1 - (1 - DISPLAY_LEVEL) / checksTotal;
  const warmup = Math.floor(options.customers * WARMUP_FRACTION);
  const results = cases.map((c, caseIndex) => {
    let events = 0;
    const summary = runReplications(
      (seed) => {
        const run = simulateOpenNetwork(
          { ...c.network, warmupCustomers: warmup, measuredCustomers: options.customers - warmup },
          seed,
        );
        events += run.events;
        return { mean_wait_s: run.mean_wait_s, mean_response_s: run.mean_response_s };
      },
      {
        replications: options.replications,
        baseSeed: deriveSeed(options.seed, "verify", c.id),
        level: DISPLAY_LEVEL,
        onReplication: (i) => options.onReplication?.(caseIndex, i),
      },
    );
    const check = (metric: CheckResult["metric"], analytic: number): CheckResult => {
      const ci = summary.intervals[metric];
      const familyCi = confidenceInterval(summary.values[metric], familyLevel);
      return { metric, analytic, ci, family_ci: familyCi, verdict: verdictOf(analytic, ci, familyCi) };
    };
    const checks = [
      check("mean_wait_s", c.analytic.meanWaitSeconds),
      check("mean_response_s", c.analytic.meanResponseSeconds),
    ];
    return {
      id: c.id,
      formula: c.analytic.formula,
      utilization: c.utilization,
      customers: options.customers,
      warmup_customers: warmup,
      replications: options.replications,
      events,
      checks,
      verdict: worst(checks.map((k) => k.verdict)),
    };
  });
  return {
    seed: options.seed,
    level: DISPLAY_LEVEL,
    family_level: familyLevel,
    cases: results,
    verdict: results.some((r) => r.verdict === "fail") ? "fail" : "pass",
  };
}

function inside(value: number, ci: ConfidenceInterval): boolean {
  return value >= ci.lo && value <= ci.hi;
}

function verdictOf(analytic: number, ci: ConfidenceInterval, familyCi: ConfidenceInterval): CheckVerdict {
  if (inside(analytic, ci)) return "pass";
  return inside(analytic, familyCi) ? "marginal" : "fail";
}

function worst(verdicts: CheckVerdict[]): CheckVerdict {
  if (verdicts.includes("fail")) return "fail";
  return verdicts.includes("marginal") ? "marginal" : "pass";
}
