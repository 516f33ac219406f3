import { describe, expect, it } from "vitest";
import { FcfsQueue } from "../../src/engine/resources/fcfsQueue.js";
import { Simulation } from "../../src/engine/simulation.js";

/** Completions as `tag:finish time:response:wait`. */
function recorder(sim: Simulation, queue: FcfsQueue): string[] {
  const log: string[] = [];
  queue.onComplete((tag, response, wait) => log.push(`${tag}:${sim.now}:${response}:${wait}`));
  return log;
}

describe("FcfsQueue", () => {
  it("serves in arrival order on c servers (hand-computed schedule)", () => {
    const sim = new Simulation();
    const q = new FcfsQueue(sim, { name: "q", servers: 2 });
    const log = recorder(sim, q);
    // Jobs 1..4 arrive at 0, 0, 1, 1 with service 3, 2, 2, 1.
    q.submit(3, 1);
    q.submit(2, 2);
    sim.after(1, () => {
      q.submit(2, 3);
      q.submit(1, 4);
    });
    sim.run();
    // Job 3 starts at 2 when job 2 leaves; job 4 at 3 when job 1 leaves.
    expect(log).toEqual(["2:2:2:0", "1:3:3:0", "3:4:3:1", "4:4:3:2"]);
    const s = q.stats();
    expect(s.completed).toBe(4);
    expect(s.mean_wait_s).toBe(0.75);
    expect(s.mean_service_s).toBe(2);
    // Busy servers: 2 on [0,3), 2 on [3,4) → 8 server-seconds over 4 s of 2 servers.
    expect(s.utilization).toBe(1);
    // In system: 2 on [0,1), 4 on [1,2), 3 on [2,3), 2 on [3,4) → 11 / 4.
    expect(s.mean_in_system).toBe(11 / 4);
    expect(s.mean_queue_length).toBe(3 / 4);
  });

  it("long services (completions in the aside heap) finish in the same order, ties included", () => {
    const run = (longServices: boolean): string[] => {
      const sim = new Simulation();
      const q = new FcfsQueue(sim, { name: "q", servers: 3, longServices });
      const other = new FcfsQueue(sim, { name: "other", servers: 2 });
      const log = recorder(sim, q);
      other.onComplete((tag) => log.push(`other ${tag}@${sim.now}`));
      // Services on a 0.5 s grid, so completions of both queues often fall at the same instant.
      for (let i = 0; i < 40; i++) {
        sim.after((i % 7) * 0.5, () => q.submit(((i * 5) % 9) * 0.5, i));
        sim.after((i % 5) * 0.5, () => other.submit(((i * 3) % 4) * 0.5, i));
      }
      sim.run();
      return log;
    };
    const inHeap = run(false);
    expect(inHeap.length).toBe(80);
    expect(run(true)).toEqual(inHeap);
  });

  it("a job submitted by the listener queues behind those already waiting", () => {
    const sim = new Simulation();
    const q = new FcfsQueue(sim, { name: "q" });
    const order: number[] = [];
    q.onComplete((tag) => {
      order.push(tag);
      if (tag === 1) q.submit(1, 9);
    });
    q.submit(1, 1);
    q.submit(1, 2);
    sim.run();
    expect(order).toEqual([1, 2, 9]);
  });

  it("rejects arrivals beyond capacity", () => {
    const sim = new Simulation();
    const q = new FcfsQueue(sim, { name: "q", servers: 1, capacity: 2 });
    const log = recorder(sim, q);
    expect(q.submit(5, 1)).toBe(true);
    expect(q.submit(5, 2)).toBe(true);
    expect(q.submit(5, 3)).toBe(false);
    expect(q.request(5, () => log.push("never"))).toBe(false);
    sim.after(5, () => expect(q.submit(1, 4)).toBe(true));
    sim.run();
    expect(log).toEqual(["1:5:5:0", "2:10:10:5", "4:11:6:5"]);
    expect(q.stats().rejected).toBe(2);
  });

  it("the callback form reports response and wait", () => {
    const sim = new Simulation();
    const q = new FcfsQueue(sim, { name: "q" });
    const seen: number[][] = [];
    q.request(2, (r, w) => seen.push([sim.now, r, w]));
    q.request(1, (r, w) => seen.push([sim.now, r, w]));
    sim.run();
    expect(seen).toEqual([
      [2, 2, 0],
      [3, 3, 2],
    ]);
  });

  it("resetStats drops the warm-up but keeps jobs in service", () => {
    const sim = new Simulation();
    const q = new FcfsQueue(sim, { name: "q", trackResponseQuantiles: true });
    q.submit(10, 0);
    sim.run(4);
    q.resetStats();
    sim.run();
    const s = q.stats();
    expect(s.window_s).toBe(6);
    expect(s.utilization).toBe(1);
    expect(s.completed).toBe(1);
    // The window counts the 6 s the job spent inside it, so N = X·R holds over the window (1 = 1/6 · 6);
    // the response-time sketch keeps the job's whole 10 s.
    expect(s.mean_response_s).toBe(6);
    expect(s.mean_service_s).toBe(6);
    expect(s.mean_in_system).toBe(s.throughput_per_s * s.mean_response_s);
    expect(s.response_p50_s).toBe(10);
  });

  it("rejects bad arguments", () => {
    const sim = new Simulation();
    expect(() => new FcfsQueue(sim, { name: "q", servers: 0 })).toThrow(RangeError);
    expect(() => new FcfsQueue(sim, { name: "q", servers: 2, capacity: 1 })).toThrow(RangeError);
    const q = new FcfsQueue(sim, { name: "q" });
    expect(() => q.submit(-1)).toThrow(RangeError);
    expect(() => q.submit(1, -2)).toThrow(RangeError);
  });
});
