import { describe, expect, it } from "vitest";
import { queueCase, tandemCase } from "../../src/verify/cases.js";
import { simulateOpenNetwork } from "../../src/verify/openNetwork.js";

/** A JSON summary of a short run: every station's statistics plus the end-to-end means. */
function summaryJson(seed: number | string): string {
  const tandem = tandemCase(0.7, [1, 0.875]).network;
  const ps = queueCase({
    discipline: "ps",
    servers: 2,
    utilization: 0.8,
    service: "lognormal",
    backgroundVcpu: 0.3,
  }).network;
  const customers = { warmupCustomers: 1000, measuredCustomers: 20_000 };
  return JSON.stringify({
    tandem: simulateOpenNetwork({ ...tandem, ...customers }, seed),
    ps: simulateOpenNetwork({ ...ps, ...customers }, seed),
  });
}

describe("determinism", () => {
  it("the same seed gives a byte-identical summary", () => {
    expect(summaryJson(42)).toBe(summaryJson(42));
  });

  it("different seeds give different summaries", () => {
    const a = JSON.parse(summaryJson(42));
    const b = JSON.parse(summaryJson(43));
    expect(a.tandem.mean_wait_s).not.toBe(b.tandem.mean_wait_s);
    expect(a.ps.stations[0].utilization).not.toBe(b.ps.stations[0].utilization);
  });
});
