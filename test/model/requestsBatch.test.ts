import { describe, expect, it } from "vitest";
import { distributionFromSpec } from "../../src/engine/random/index.js";
import { Sampler } from "../../src/engine/stats/sampler.js";
import type { ModelContext } from "../../src/model/components/context.js";
import { RequestsComponent } from "../../src/model/components/requestsComponent.js";
import { MetricRegistry } from "../../src/model/metrics/registry.js";
import { RequestBatch } from "../../src/model/requestBatch.js";
import type { SeriesSet } from "../../src/series/types.js";
import { pipelineRig } from "./pipelineRig.js";

const REPLICAS = 2;
const END_S = 120;
/** The traffic window the probes measure over. */
const TRAFFIC = { startSeconds: 20, endSeconds: 95 };

/**
 * A requests component fed the same finished requests on a 15 s scrape (some at the scrape instants,
 * some failed), holding back `batch` requests at most; returns its series and figures.
 */
function observe(batch: number): { series: SeriesSet; figures: Record<string, number> } {
  const { sim, pipeline } = pipelineRig({ poolSize: 1, dbRttSeconds: 0, clientRttSeconds: 0, seed: 1 });
  const work = distributionFromSpec(0.001);
  const steps = [{ kind: "coderdCpu" as const, work }];
  const classes = [
    pipeline.define({
      name: "metadata",
      steps,
      http: true,
      agentApi: true,
      route: { method: "POST", path: "/m" },
    }),
    pipeline.define({
      name: "dashboard",
      steps,
      http: true,
      agentApi: false,
      route: { method: "GET", path: "/d" },
    }),
    pipeline.define({ name: "flush", steps, http: false, agentApi: false }),
  ];
  const timeline = {
    inTraffic: (t: number) => t >= TRAFFIC.startSeconds && t < TRAFFIC.endSeconds,
  };
  const ctx = { sim, timeline } as unknown as ModelContext;
  const requests = new RequestsComponent(ctx, pipeline, REPLICAS, batch);
  let k = 0;
  // Requests every 0.75 s land on every scrape instant (15 s = 20 steps), scheduled before the scrapes.
  for (let t = 0; t < END_S; t += 0.75) {
    const n = k++;
    sim.at(t, () => {
      const latency = 0.0005 * 1.7 ** (n % 17);
      requests.onRequestDone(classes[n % 3]!, n % REPLICAS, latency, n, n % 23 === 5);
    });
  }
  const sampler = new Sampler(sim, { intervalSeconds: 15 });
  const registry = new MetricRegistry(sampler, { namespace: "coder" });
  requests.installMetrics(registry);
  sampler.start();
  sim.run(END_S);
  return { series: registry.seriesSet(), figures: requests.figures() };
}

describe("requests component batches", () => {
  it("records what it records one request at a time: batch boundaries at scrapes change no series", () => {
    const one = observe(1);
    const held = observe(4096);
    const odd = observe(7);
    expect(one.series.series.length).toBeGreaterThan(0);
    // Some failure counter appeared during the run (a series added late).
    expect(one.series.series.some((s) => s.labels.code === "500")).toBe(true);
    for (const other of [held, odd]) {
      expect(other.series).toEqual(one.series);
      expect(other.figures).toEqual(one.figures);
    }
  });
});

describe("RequestBatch", () => {
  it("hands its requests over in order when full and on flush, and not when empty", () => {
    const seen: number[][] = [];
    const b = new RequestBatch(3, (batch) => {
      seen.push(Array.from(batch.classId.subarray(0, batch.length)));
    });
    b.flush();
    for (let c = 0; c < 5; c++) b.push(c, 0, 0.1, true);
    expect(seen).toEqual([[0, 1, 2]]);
    b.flush();
    b.flush();
    expect(seen).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it("refuses a capacity below 1", () => {
    expect(() => new RequestBatch(0, () => {})).toThrow(RangeError);
  });
});
