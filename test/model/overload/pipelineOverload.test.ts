import { describe, expect, it } from "vitest";
import { distributionFromSpec } from "../../../src/engine/random/index.js";
import type { ClientPolicy } from "../../../src/model/clientPolicy.js";
import { CAPACITY_PER_S, harness, runPipeline } from "./harness.js";

const RETRYING: ClientPolicy = {
  timeoutSeconds: 1,
  retry: { initialSeconds: 0.1, maxSeconds: 10, retries: 3 },
};
const RUN_S = 200;

describe("client timeouts below saturation", () => {
  it("change nothing at 50 % load: the same requests finish at the same times", () => {
    const without = runPipeline(50, RUN_S);
    const withTimeouts = runPipeline(50, RUN_S, RETRYING);
    expect(withTimeouts.latencies).toEqual(without.latencies);
    expect(withTimeouts.failed).toEqual(without.failed);
    expect(withTimeouts.answeredAt).toEqual(without.answeredAt);
    expect(withTimeouts.figures).toMatchObject({ client_timeouts: 0, client_retries: 0, client_gave_up: 0 });
    expect(without.figures).toEqual({});
  });
});

describe("client timeouts past saturation (1-core coderd: 100 requests/s)", () => {
  // Every attempt costs its full coderd CPU (Go cannot stop a running handler), so offered work is
  // λ·(1 + retries per call)·s. Past 1 the processor-sharing queue grows without bound, every request's
  // time in it grows, and the share finishing within the timeout tends to 0: goodput collapses.
  it("goodput collapses far below capacity while coderd stays busy, and retries add attempts", () => {
    const offered = 150;
    const run = runPipeline(offered, RUN_S, RETRYING);
    const f = run.figures;
    const goodput = f.client_answered! / RUN_S;
    const served = run.latencies.length / RUN_S;
    expect(goodput).toBeLessThan(0.2 * CAPACITY_PER_S);
    // coderd finishes attempts (answered or cut) at no more than its capacity...
    expect(served).toBeLessThan(1.03 * CAPACITY_PER_S);
    expect(served).toBeGreaterThan(0.9 * CAPACITY_PER_S);
    // ...while clients send more attempts than calls: the retry storm.
    expect(f.client_retries!).toBeGreaterThan(offered * RUN_S);
    expect(f.client_timeouts!).toBeGreaterThan(f.client_retries!);
    // Every call ends exactly once for its client: answered in time, or given up after its retries.
    const calls = f.client_answered! + f.client_gave_up!;
    expect(calls).toBeLessThanOrEqual(offered * RUN_S * 1.05);
    expect(f.client_gave_up!).toBeGreaterThan(f.client_answered!);
  });

  it("goodput falls as offered load rises past capacity (never above it)", () => {
    const goodputs = [50, 90, 150, 300].map(
      (rate) => runPipeline(rate, 100, RETRYING).figures.client_answered! / 100,
    );
    for (const g of goodputs) expect(g).toBeLessThanOrEqual(CAPACITY_PER_S);
    expect(goodputs[0]).toBeGreaterThan(45);
    expect(goodputs[2]!).toBeLessThan(goodputs[0]!);
    expect(goodputs[3]!).toBeLessThan(goodputs[2]!);
  });

  it("near saturation (95 % busy) chance timeouts retry, add load and tip coderd into collapse", () => {
    const without = runPipeline(95, RUN_S);
    const withTimeouts = runPipeline(95, RUN_S, RETRYING);
    const inTimeWithout = without.latencies.filter((l, i) => !without.failed[i] && l <= 1).length;
    expect(inTimeWithout).toBeGreaterThan(0.95 * 95 * RUN_S);
    expect(withTimeouts.figures.client_answered!).toBeLessThan(0.5 * inTimeWithout);
  });

  it("cancels the database work of requests cut short: database CPU falls with goodput", () => {
    const without = runPipeline(150, RUN_S);
    const withTimeouts = runPipeline(150, RUN_S, RETRYING);
    // Without timeouts every request reaches its query (~2 ms each at ~100/s); with them most stop first.
    expect(without.dbCpuSeconds).toBeGreaterThan(0.15 * RUN_S);
    expect(withTimeouts.dbCpuSeconds).toBeLessThan(0.5 * without.dbCpuSeconds);
  });
});

describe("what happens to one request whose client gives up (hand-computed)", () => {
  const det = (s: number) => distributionFromSpec(s);
  const once: ClientPolicy = { timeoutSeconds: 1 };

  it("coderd CPU already running stays spent; the handler stops at its query: 500 at 2 s, client told at 1 s", () => {
    const h = harness(
      [
        { kind: "coderdCpu", work: det(2) },
        { kind: "query", work: det(0.5), statements: 1, logged: false, notify: false },
      ],
      once,
    );
    h.pipeline.startRequest(h.api, 0);
    h.sim.run(10);
    expect(h.out.answeredAt).toEqual([1]); // the client went on at its deadline
    expect(h.out.failed).toEqual([true]);
    expect(h.out.latencies[0]).toBeCloseTo(2.002, 9); // coderd's handler returned after its CPU
    expect(h.db.cpuSecondsTotal).toBe(0); // the query never ran
    expect(h.pipeline.overloadFigures()).toEqual({
      client_timeouts: 1,
      client_retries: 0,
      client_gave_up: 1,
      client_answered: 0,
    });
  });

  it("a running query is cancelled at the deadline: its database CPU stops and its connection returns", () => {
    const h = harness([{ kind: "query", work: det(3), statements: 1, logged: false, notify: false }], once);
    h.pipeline.startRequest(h.api, 0);
    h.sim.run(10);
    expect(h.db.cpuSecondsTotal).toBeCloseTo(1, 9);
    expect(h.out.latencies[0]).toBeCloseTo(1.002, 9);
    expect(h.out.failed).toEqual([true]);
    expect(h.pool.available).toBe(10);
  });

  it("retries after coder/retry's doubling backoff: attempts at 0, 1.1, 2.3, 3.7; given up at 4.7", () => {
    const h = harness([{ kind: "query", work: det(3), statements: 1, logged: false, notify: false }], {
      timeoutSeconds: 1,
      retry: { initialSeconds: 0.1, maxSeconds: 0.4, retries: 3 },
    });
    h.pipeline.startRequest(h.api, 0);
    h.sim.run(20);
    // Each attempt is cut 1 s after it starts (latency 1 s + 2 ms client round trip).
    expect(h.out.latencies.map((l) => Number(l.toFixed(6)))).toEqual([1.002, 1.002, 1.002, 1.002]);
    expect(h.out.answeredAt.map((t) => Number(t.toFixed(6)))).toEqual([4.7]);
    expect(h.db.cpuSecondsTotal).toBeCloseTo(4, 9);
  });
});
