import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/engine/simulation.js";

/**
 * A random process network run twice: once posting every fixed-delay event with `post` (all in the heap),
 * once with `postFixed` (FIFO lanes beside the heap), and with closures (`after`, the aside heap). The
 * firing order must be the same, ties included.
 */
function firingLog(plan: number[], useLanes: boolean, useAside = false): string[] {
  const sim = new Simulation();
  const fixed = [0.25, 0.5, 1]; // multiples of the varying delays' step: equal times are common
  const lanes = fixed.map((d) => sim.fixedDelay(d));
  const log: string[] = [];
  let fired = 0;
  const body = (id: number): void => {
    log.push(`${id}@${sim.now}`);
    const choice = plan[fired++ % plan.length]!;
    if (fired > 400) return;
    // Each firing posts one or two follow-ups: a fixed delay, a varying one, or both.
    const k = choice % 3;
    if (choice % 2 === 0) {
      if (useLanes) sim.postFixed(lanes[k]!, action, id);
      else sim.post(fixed[k]!, action, id);
    }
    if (choice % 4 === 0) return;
    // Closures wait in the aside heap; their order must be what a single heap gives.
    if (useAside && choice % 3 === 1) sim.after((choice % 5) * 0.25, () => body(id + 100));
    else sim.post((choice % 5) * 0.25, action, id + 100);
  };
  const action = sim.register(body);
  for (let i = 0; i < 4; i++) sim.post(i * 0.25, action, i);
  sim.run();
  return log;
}

describe("fixed delays", () => {
  it("fire in exactly the order plain posts would", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 59 }), { minLength: 1, maxLength: 40 }), (plan) => {
        const heapOnly = firingLog(plan, false);
        expect(firingLog(plan, true)).toEqual(heapOnly);
        expect(firingLog(plan, true, true)).toEqual(heapOnly);
        expect(firingLog(plan, false, true)).toEqual(heapOnly);
      }),
      { numRuns: 200 },
    );
  });

  it("share one lane per delay, count as pending, and stop at run's horizon", () => {
    const sim = new Simulation();
    const a = sim.fixedDelay(2);
    expect(sim.fixedDelay(2)).toBe(a);
    expect(sim.fixedDelay(3)).not.toBe(a);
    const log: number[] = [];
    const action = sim.register((x) => log.push(x));
    sim.postFixed(a, action, 1);
    sim.post(1, action, 2);
    expect(sim.pendingEvents).toBe(2);
    expect(sim.peek()).toBe(1);
    sim.run(1.5);
    expect(log).toEqual([2]);
    expect(sim.now).toBe(1.5);
    expect(sim.peek()).toBe(2);
    sim.run();
    expect(log).toEqual([2, 1]);
    expect(sim.pendingEvents).toBe(0);
  });

  it("cancel and move a closure in the aside heap through its handle", () => {
    const sim = new Simulation();
    const log: string[] = [];
    const a = sim.after(1, () => log.push("a"));
    const b = sim.after(2, () => log.push("b"));
    sim.after(3, () => log.push("c"));
    sim.post(
      1.5,
      sim.register(() => log.push("p")),
    );
    expect(sim.pendingEvents).toBe(4);
    expect(sim.timeOf(b)).toBe(2);
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    expect(sim.reschedule(b, 4)).toBe(true);
    expect(sim.peek()).toBe(1.5);
    sim.run();
    expect(log).toEqual(["p", "c", "b"]);
    expect(sim.isPending(b)).toBe(false);
    expect(sim.pendingEvents).toBe(0);
    // A handle of an event long gone (or never made) is simply not pending.
    const fresh = new Simulation();
    expect(fresh.isPending(b)).toBe(false);
    expect(fresh.cancel(b)).toBe(false);
    expect(fresh.reschedule(b, 1)).toBe(false);
    expect(fresh.timeOf(b)).toBeNaN();
  });

  it("rejects a delay that is negative or not finite", () => {
    const sim = new Simulation();
    expect(() => sim.fixedDelay(-1)).toThrow(RangeError);
    expect(() => sim.fixedDelay(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
