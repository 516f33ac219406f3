import { describe, expect, it } from "vitest";
import { exponential, lognormalFromMeanCv } from "../../src/engine/random/distributions.js";
import { RandomStreams } from "../../src/engine/random/streams.js";
import { Batcher } from "../../src/engine/resources/batcher.js";
import { CountedPool } from "../../src/engine/resources/countedPool.js";
import { FcfsQueue } from "../../src/engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import type { ResourceStats } from "../../src/engine/resources/resourceStats.js";
import { Simulation } from "../../src/engine/simulation.js";

/**
 * Little's law (L = λW) and the utilisation law (U − U_bg = X·S/c) must hold on every resource's own
 * statistics over a measurement window that starts after a warm-up.
 */
const WARMUP_SECONDS = 1_000;
const END_SECONDS = 60_000;
const TOLERANCE = 0.02;

function expectOperationalLaws(s: ResourceStats): void {
  const littleL = s.throughput_per_s * s.mean_response_s;
  expect(
    Math.abs(s.mean_in_system - littleL) / s.mean_in_system,
    `Little: L=${s.mean_in_system} λW=${littleL}`,
  ).toBeLessThan(TOLERANCE);
  const foreground = s.utilization - s.background_utilization;
  const xs = (s.throughput_per_s * s.mean_service_s) / s.servers;
  expect(Math.abs(foreground - xs) / foreground, `utilisation: U−U_bg=${foreground} XS/c=${xs}`).toBeLessThan(
    TOLERANCE,
  );
  expect(s.completed).toBeGreaterThan(1000);
}

/** Poisson arrivals calling `onArrival` until the end of the run. */
function poisson(sim: Simulation, ratePerSecond: number, rng: () => number, onArrival: () => void): void {
  const gap = exponential(1 / ratePerSecond);
  const arrive = sim.register(() => {
    onArrival();
    sim.schedule(gap.sample(rng), arrive);
  });
  sim.schedule(gap.sample(rng), arrive);
}

function measure(sim: Simulation, resource: { resetStats(): void }): void {
  sim.at(WARMUP_SECONDS, () => resource.resetStats());
  sim.run(END_SECONDS);
}

describe("operational laws on every resource", () => {
  it("FcfsQueue (M/M/4/12 with rejections)", () => {
    const sim = new Simulation();
    const streams = new RandomStreams("laws-fcfs");
    const q = new FcfsQueue(sim, { name: "q", servers: 4, capacity: 12 });
    const service = exponential(1);
    const serviceRng = streams.stream("service");
    poisson(sim, 3.6, streams.stream("arrivals"), () => q.submit(service.sample(serviceRng)));
    measure(sim, q);
    const s = q.stats();
    expectOperationalLaws(s);
    expect(s.rejected).toBeGreaterThan(0);
    expect(
      Math.abs(s.mean_queue_length - s.throughput_per_s * s.mean_wait_s) / s.mean_queue_length,
    ).toBeLessThan(TOLERANCE);
  });

  it("ProcessorSharingCpu (lognormal work, background load changing over time)", () => {
    const sim = new Simulation();
    const streams = new RandomStreams("laws-ps");
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
    const work = lognormalFromMeanCv(0.05, 1.5);
    const workRng = streams.stream("work");
    poisson(sim, 20, streams.stream("arrivals"), () => cpu.submit(work.sample(workRng)));
    const bgRng = streams.stream("background");
    const changeBackground = sim.register(() => {
      cpu.setBackgroundLoad(0.8 * bgRng());
      sim.schedule(100, changeBackground);
    });
    sim.schedule(0, changeBackground);
    measure(sim, cpu);
    const s = cpu.stats();
    expectOperationalLaws(s);
    expect(s.background_utilization).toBeGreaterThan(0.1);
    expect(s.cpu_seconds).toBeCloseTo(s.mean_busy_cores * s.window_s, 6);
  });

  it("CountedPool (5 connections, exponential holds)", () => {
    const sim = new Simulation();
    const streams = new RandomStreams("laws-pool");
    const pool = new CountedPool(sim, { name: "db", size: 5 });
    const hold = exponential(1);
    const holdRng = streams.stream("hold");
    const releaseAction = sim.register((unit) => pool.release(unit));
    pool.onGrant((_tag, unit) => sim.schedule(hold.sample(holdRng), releaseAction, unit));
    poisson(sim, 4, streams.stream("arrivals"), () => pool.acquire(0));
    measure(sim, pool);
    const s = pool.stats();
    expectOperationalLaws(s);
    expect(s.mean_wait_s).toBeGreaterThan(0);
  });

  it("Batcher (slow flusher, blocking buffer)", () => {
    const sim = new Simulation();
    const streams = new RandomStreams("laws-batcher");
    const batcher = new Batcher(sim, {
      name: "b",
      flushIntervalSeconds: 1,
      maxBatchSize: 100,
      bufferCapacity: 150,
      whenFull: "block",
      flushCompletion: "manual",
    });
    const done = sim.register(() => batcher.flushDone());
    // A flush costs 50 ms plus 8 ms per item.
    batcher.onFlush((size) => sim.schedule(0.05 + 0.008 * size, done));
    // Close to the flusher's capacity, so the buffer sometimes fills and producers block.
    poisson(sim, 110, streams.stream("arrivals"), () => batcher.add());
    measure(sim, batcher);
    const s = batcher.stats();
    expectOperationalLaws(s);
    expect(s.flushes.capacity).toBeGreaterThan(0);
    expect(s.flushes.scheduled).toBeGreaterThan(0);
    expect(s.blocked).toBeGreaterThan(0);
  });
});
