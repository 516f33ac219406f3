import { describe, expect, it } from "vitest";
import { Batcher, type BatcherOptions } from "../../src/engine/resources/batcher.js";
import { Simulation } from "../../src/engine/simulation.js";

/** A batcher whose flushes are logged as `time:size:reason`. */
function logged(sim: Simulation, options: Omit<BatcherOptions, "name">): { batcher: Batcher; log: string[] } {
  const batcher = new Batcher(sim, { name: "b", ...options });
  const log: string[] = [];
  batcher.onFlush((size, reason) => log.push(`${sim.now}:${size}:${reason}`));
  return { batcher, log };
}

describe("Batcher", () => {
  it("flushes on the ticker every T seconds, skipping empty ticks", () => {
    const sim = new Simulation();
    const { batcher, log } = logged(sim, { flushIntervalSeconds: 5, maxBatchSize: 100 });
    for (const t of [1, 2, 7]) sim.at(t, () => batcher.add());
    sim.run(16);
    expect(log).toEqual(["5:2:scheduled", "10:1:scheduled"]);
    expect(batcher.stats().flushes).toEqual({ capacity: 0, scheduled: 2, shutdown: 0 });
  });

  it("flushes at once on reaching N; the ticker is not reset by it (Go time.Ticker)", () => {
    const sim = new Simulation();
    const { batcher, log } = logged(sim, { flushIntervalSeconds: 5, maxBatchSize: 3 });
    for (const t of [1, 1.5, 2, 3]) sim.at(t, () => batcher.add());
    sim.run(11);
    expect(log).toEqual(["2:3:capacity", "5:1:scheduled"]);
    const s = batcher.stats();
    expect(s.mean_batch_size).toBe(2);
    // Items waited 1, 0.5, 0 and 2 seconds.
    expect(s.mean_response_s).toBe(3.5 / 4);
  });

  it("drops items when the bounded buffer is full", () => {
    const sim = new Simulation();
    const { batcher, log } = logged(sim, { flushIntervalSeconds: 5, maxBatchSize: 10, bufferCapacity: 2 });
    sim.at(1, () => {
      expect(batcher.add()).toBe(true);
      expect(batcher.add()).toBe(true);
      expect(batcher.add()).toBe(false);
    });
    sim.run(6);
    expect(log).toEqual(["5:2:scheduled"]);
    const s = batcher.stats();
    expect(s.dropped).toBe(1);
    expect(s.rejected).toBe(1);
    expect(s.items_added).toBe(2);
  });

  it("blocks producers and waits for a slow flusher (hand-computed schedule)", () => {
    const sim = new Simulation();
    const { batcher, log } = logged(sim, {
      flushIntervalSeconds: 5,
      maxBatchSize: 2,
      bufferCapacity: 2,
      whenFull: "block",
      flushCompletion: "manual",
    });
    batcher.onFlush((size, reason) => {
      log.push(`${sim.now}:${size}:${reason}`);
      sim.after(3, () => batcher.flushDone());
    });
    const admitted: string[] = [];
    batcher.onAdmit((tag, blocked) => admitted.push(`${tag}@${sim.now} after ${blocked}`));
    // a, b at 0 → capacity flush at 0, busy until 3. c, d at 1 fill the buffer; e blocks.
    batcher.add(1);
    batcher.add(2);
    sim.at(1, () => {
      expect(batcher.add(3)).toBe(true);
      expect(batcher.add(4)).toBe(true);
      expect(batcher.add(5)).toBe(false);
    });
    // At 3: c, d flush (capacity) and e enters. The tick at 5 waits for the flusher; at 6 e flushes.
    sim.run(10);
    expect(log).toEqual(["0:2:capacity", "3:2:capacity", "6:1:scheduled"]);
    expect(admitted).toEqual(["5@3 after 2"]);
    const s = batcher.stats();
    expect(s.blocked).toBe(1);
    expect(s.mean_block_s).toBe(2);
    // Items waited 0, 0, 2, 2 and 5 seconds (e from 1 to 6, including its 2 s blocked).
    expect(s.mean_response_s).toBe(9 / 5);
    expect(s.utilization).toBe(0.9);
    expect(s.mean_flush_s).toBe(3);
    expect(s.mean_service_s).toBe(9 / 5);
  });

  it("close flushes what is left and stops the ticker", () => {
    const sim = new Simulation();
    const { batcher, log } = logged(sim, { flushIntervalSeconds: 5, maxBatchSize: 2, bufferCapacity: 10 });
    sim.at(1, () => {
      batcher.add();
    });
    sim.at(2, () => batcher.close());
    sim.run();
    expect(log).toEqual(["2:1:shutdown"]);
    expect(sim.pendingEvents).toBe(0);
    expect(() => batcher.add()).toThrow(/closed/);
  });

  it("rejects flushDone without a running flush", () => {
    const sim = new Simulation();
    const batcher = new Batcher(sim, { name: "b", flushIntervalSeconds: 1, maxBatchSize: 1 });
    expect(() => batcher.flushDone()).toThrow(/no flush/);
  });
});
