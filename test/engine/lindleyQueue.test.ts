import { describe, expect, it } from "vitest";
import { FcfsQueue } from "../../src/engine/resources/fcfsQueue.js";
import { LindleyQueue } from "../../src/engine/resources/lindleyQueue.js";
import { Simulation } from "../../src/engine/simulation.js";

type Lock = FcfsQueue | LindleyQueue;

/**
 * Drives a one-server lock with bursts (so jobs queue) from a fixed pseudo-random sequence, resets its
 * statistics mid-run and reads them before the end (so jobs straddle both edges); returns what it saw.
 */
function drive(make: (sim: Simulation) => Lock) {
  const sim = new Simulation();
  const lock = make(sim);
  const log: string[] = [];
  lock.onComplete((tag, response, wait) => log.push(`${tag}:${sim.now}:${response}:${wait}`));
  let x = 0.3;
  const next = () => {
    x = (x * 9.7 + 0.123) % 1;
    return x;
  };
  let tag = 0;
  for (let t = 0; t < 200; t += next()) {
    const burst = next() < 0.2 ? 4 : 1;
    sim.at(t, () => {
      for (let k = 0; k < burst; k++) lock.submit(0.05 + 0.4 * next(), tag++);
    });
  }
  sim.at(50.01, () => lock.resetStats());
  sim.run(190.003);
  return { log, stats: lock.stats(), inSystem: lock.inSystem };
}

describe("LindleyQueue", () => {
  it("times every job and gives every statistic bit for bit as a one-server FcfsQueue", () => {
    const lindley = drive((sim) => new LindleyQueue(sim, { name: "lock" }));
    const fcfs = drive((sim) => new FcfsQueue(sim, { name: "lock" }));
    expect(fcfs.stats.mean_queue_length).toBeGreaterThan(0.1);
    expect(lindley.inSystem).toBeGreaterThan(1);
    expect(lindley).toEqual(fcfs);
  });

  it("keeps order when more jobs wait than its ring first holds", () => {
    const sim = new Simulation();
    const lock = new LindleyQueue(sim, { name: "lock" });
    const seen: string[] = [];
    lock.onComplete((tag, response, wait) => seen.push(`${tag}:${sim.now}:${response}:${wait}`));
    for (let k = 0; k < 40; k++) lock.submit(1, k);
    expect(lock.queueLength).toBe(39);
    sim.run();
    expect(seen).toEqual(Array.from({ length: 40 }, (_, k) => `${k}:${k + 1}:${k + 1}:${k}`));
    expect(lock.stats().mean_wait_s).toBe(19.5);
  });

  it("tells callbacks their response and wait, and refuses a negative service", () => {
    const sim = new Simulation();
    const lock = new LindleyQueue(sim, { name: "lock" });
    const seen: number[][] = [];
    lock.request(2, (response, wait) => seen.push([sim.now, response, wait]));
    lock.request(1, (response, wait) => seen.push([sim.now, response, wait]));
    sim.run();
    expect(seen).toEqual([
      [2, 2, 0],
      [3, 3, 2],
    ]);
    expect(() => lock.submit(-1, 0)).toThrow(RangeError);
  });
});
