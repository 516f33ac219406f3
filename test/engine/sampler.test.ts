import { describe, expect, it } from "vitest";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";
import { counterRate, Sampler, seriesSummary, sortedQuantile } from "../../src/engine/stats/sampler.js";

describe("Sampler", () => {
  it("scrapes every 15 s from the start, without drift", () => {
    const sim = new Simulation();
    const sampler = new Sampler(sim);
    sampler.gauge("clock", () => sim.now);
    sim.run(10); // start later than 0
    sampler.start();
    sim.run(10 + 15 * 1000);
    expect(sampler.length).toBe(1001);
    expect(sampler.times[1000]).toBe(10 + 15 * 1000);
    expect(sampler.column("clock")[3]).toBe(55);
    sampler.stop();
    sim.run();
    expect(sim.pendingEvents).toBe(0);
  });

  it("watches a resource and turns its CPU-seconds counter into busy cores like rate()", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "coderd", cores: 4 });
    const sampler = new Sampler(sim, { intervalSeconds: 15 }).watch(cpu);
    sampler.start();
    cpu.setBackgroundLoad(0.5);
    sim.at(60, () => cpu.setBackgroundLoad(2.5));
    sim.run(120);
    expect(sampler.names).toEqual([
      "coderd.busy_cores",
      "coderd.background_vcpu",
      "coderd.in_system",
      "coderd.cpu_seconds_total",
    ]);
    const rate = counterRate(sampler.times, sampler.column("coderd.cpu_seconds_total"), 60);
    expect(rate[0]).toBeNaN();
    expect(rate[4]).toBeCloseTo(0.5, 12); // t = 60: [0, 60] at 0.5
    expect(rate[8]).toBeCloseTo(2.5, 12); // t = 120: [60, 120] at 2.5
    const busy = seriesSummary(sampler.column("coderd.busy_cores"));
    expect(busy.samples).toBe(9);
    expect(busy.median).toBe(2.5);
    expect(busy.max).toBe(2.5);
    expect(busy.min).toBe(0.5);
  });

  it("a gauge added late reads NaN before it existed, and summaries skip NaN", () => {
    const sim = new Simulation();
    const sampler = new Sampler(sim, { intervalSeconds: 1 });
    sampler.gauge("a", () => 1);
    sampler.start();
    sim.run(2);
    sampler.gauge("b", () => 2);
    sim.run(3);
    expect(Array.from(sampler.column("b"))).toEqual([Number.NaN, Number.NaN, Number.NaN, 2]);
    expect(seriesSummary(sampler.column("b")).samples).toBe(1);
    expect(sampler.toJSON().series.a).toEqual([1, 1, 1, 1]);
    expect(() => sampler.gauge("a", () => 0)).toThrow(RangeError);
  });

  it("sized for fewer scrapes than it takes, it still keeps every one", () => {
    const sim = new Simulation();
    const sampler = new Sampler(sim, { intervalSeconds: 1, expectedScrapes: 2 });
    let n = 0;
    sampler.gauge("n", () => n++);
    sampler.start();
    sim.run(4);
    expect(Array.from(sampler.column("n"))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(sampler.times)).toEqual([0, 1, 2, 3, 4]);
  });

  it("reads a group of adjacent columns with one call per scrape, in order with single columns", () => {
    const sim = new Simulation();
    const sampler = new Sampler(sim, { intervalSeconds: 1 });
    const calls: string[] = [];
    const a = sampler.addColumn(() => {
      calls.push("a");
      return 1;
    });
    const g = sampler.addColumns(3, (out) => {
      calls.push("g");
      out.set([sim.now, 2 * sim.now, 3 * sim.now]);
    });
    const b = sampler.addColumn(() => {
      calls.push("b");
      return 4;
    });
    sampler.start();
    sim.run(1);
    expect([a, g, b]).toEqual([0, 1, 4]);
    expect(calls).toEqual(["a", "g", "b", "a", "g", "b"]);
    expect(Array.from(sampler.columnAt(g + 2))).toEqual([0, 3]);
    expect(Array.from(sampler.columnAt(b))).toEqual([4, 4]);
    expect(() => sampler.addColumns(0, () => {})).toThrow(RangeError);
  });

  it("quantiles interpolate between order statistics", () => {
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sortedQuantile([1, 2, 3, 4], 1)).toBe(4);
    expect(seriesSummary([5, 1, 3]).p95).toBeCloseTo(4.8, 12);
  });
});
