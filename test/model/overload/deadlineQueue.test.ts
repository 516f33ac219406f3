import { describe, expect, it } from "vitest";
import { Simulation } from "../../../src/engine/simulation.js";
import { DeadlineQueue } from "../../../src/model/deadlineQueue.js";

describe("DeadlineQueue", () => {
  it("keeps one timer when an expiry starts the next request (a client giving up and calling again)", () => {
    const sim = new Simulation();
    const live = new Set<number>();
    const expired: [number, number][] = [];
    let next = 1;
    const queue = new DeadlineQueue(
      sim,
      1,
      (id) => live.has(id),
      (id) => {
        expired.push([id, sim.now]);
        live.delete(id);
        live.add(next);
        queue.watch(next, next);
        next++;
      },
    );
    live.add(0);
    queue.watch(0, 0);
    sim.run(10.5);
    expect(expired.map(([, t]) => t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(sim.eventsProcessed).toBe(10);
    expect(sim.pendingEvents).toBe(1);
  });

  it("skips requests that finished in time and fires only for the ones still waiting", () => {
    const sim = new Simulation();
    const live = new Set([0, 1, 2, 3]);
    const expired: number[] = [];
    const queue = new DeadlineQueue(
      sim,
      1,
      (id) => live.has(id),
      (id) => expired.push(id),
    );
    // Requests start at 0, 0.1, 0.2 and 0.3 s (one event each); their deadlines are 1 s later.
    for (const id of [0, 1, 2, 3]) sim.at(id * 0.1, () => queue.watch(id, id));
    sim.run(0.5);
    live.delete(0);
    live.delete(2);
    sim.run(5);
    expect(expired).toEqual([1, 3]);
    // Armed for request 0 when it started (it finished later): then one timer each for 1 and 3.
    expect(sim.eventsProcessed - 4).toBe(3);
  });

  it("keeps deadline order when its buffer wraps around and then grows", () => {
    const sim = new Simulation();
    const expired: [number, number][] = [];
    const queue = new DeadlineQueue(
      sim,
      1,
      () => true,
      (id) => expired.push([id, sim.now]),
    );
    // 50 requests, half expired, then 200 more: the ring wraps before it has to grow.
    let id = 0;
    for (let k = 0; k < 50; k++) sim.at(k * 0.01, () => queue.watch(id, id++));
    sim.run(1.25);
    for (let k = 0; k < 200; k++) sim.at(1.3 + k * 0.001, () => queue.watch(id, id++));
    sim.run(10);
    expect(expired.map(([i]) => i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    for (const [i, t] of expired) expect(t).toBeCloseTo(i < 50 ? i * 0.01 + 1 : 2.3 + (i - 50) * 0.001, 9);
  });
});
