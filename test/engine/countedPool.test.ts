import { describe, expect, it } from "vitest";
import { CountedPool } from "../../src/engine/resources/countedPool.js";
import { Simulation } from "../../src/engine/simulation.js";

describe("CountedPool", () => {
  it("grants at once while units are free, then queues FIFO", () => {
    const sim = new Simulation();
    const pool = new CountedPool(sim, { name: "db", size: 2 });
    const grants: string[] = [];
    pool.onGrant((tag, unit, wait) => grants.push(`${tag}:u${unit}:${sim.now}:${wait}`));
    expect(pool.acquire(1)).toBe(true);
    expect(pool.acquire(2)).toBe(true);
    expect(pool.acquire(3)).toBe(false);
    expect(pool.acquire(4)).toBe(false);
    expect(pool.waiting).toBe(2);
    expect(grants).toEqual(["1:u0:0:0", "2:u1:0:0"]);
  });

  it("hands a released unit to the first waiter at the same instant", () => {
    const sim = new Simulation();
    const pool = new CountedPool(sim, { name: "db", size: 1 });
    const grants: string[] = [];
    pool.onGrant((tag, unit, wait) => {
      grants.push(`${tag}@${sim.now} waited ${wait}`);
      // Each holder keeps the connection for 2 s.
      sim.after(2, () => pool.release(unit));
    });
    pool.acquire(1);
    sim.after(0.5, () => pool.acquire(2));
    sim.after(1, () => pool.acquire(3));
    sim.run();
    expect(grants).toEqual(["1@0 waited 0", "2@2 waited 1.5", "3@4 waited 3"]);
    const s = pool.stats();
    expect(s.completed).toBe(3);
    expect(s.mean_service_s).toBe(2);
    expect(s.mean_wait_s).toBe(1.5);
    expect(s.mean_response_s).toBe(3.5);
    expect(s.utilization).toBe(1);
    // Waiting: 1 on [0.5,1), 2 on [1,2), 1 on [2,4) → 4.5 over 6 s.
    expect(s.mean_queue_length).toBe(4.5 / 6);
    expect(s.max_in_system).toBe(3);
  });

  it("the callback form works alongside tags", () => {
    const sim = new Simulation();
    const pool = new CountedPool(sim, { name: "db", size: 1 });
    const seen: string[] = [];
    pool.onGrant((tag, unit) => {
      seen.push(`tag ${tag}`);
      sim.after(1, () => pool.release(unit));
    });
    pool.acquire(5);
    pool.acquire((unit, wait) => {
      seen.push(`callback unit ${unit} after ${wait}`);
      pool.release(unit);
    });
    sim.run();
    expect(seen).toEqual(["tag 5", "callback unit 0 after 1"]);
    expect(pool.available).toBe(1);
  });

  it("refuses to release a unit that is not held", () => {
    const sim = new Simulation();
    const pool = new CountedPool(sim, { name: "db", size: 2 });
    expect(() => pool.release(0)).toThrow(/not held/);
    expect(() => pool.release(7)).toThrow(/not held/);
  });
});
