import { describe, expect, it } from "vitest";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { SlotHeap } from "../../src/engine/resources/slotHeap.js";
import { Simulation } from "../../src/engine/simulation.js";

describe("ProcessorSharingCpu.cancel", () => {
  it("1 core, two jobs of work 2; cancelling one at t=1 leaves the other 1.5 alone: it ends at 2.5", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const done = new Map<number, number>();
    cpu.onComplete((tag) => done.set(tag, sim.now));
    cpu.submit(2, 1);
    cpu.submit(2, 2);
    sim.after(1, () => expect(cpu.cancel(1)).toBe(true));
    sim.run();
    expect([...done.entries()]).toEqual([[2, 2.5]]);
    // The 0.5 s the cancelled job attained stays spent.
    expect(cpu.cpuSecondsTotal).toBeCloseTo(2.5, 12);
    expect(cpu.cancel(1)).toBe(false);
    expect(cpu.jobsInSystem).toBe(0);
  });

  it("withdraw returns the work the job still needed: 2 - 0.5 attained = 1.5, then -1 when absent", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    cpu.submit(2, 1);
    cpu.submit(2, 2);
    let unserved = Number.NaN;
    sim.after(1, () => {
      unserved = cpu.withdraw(1);
    });
    sim.run();
    expect(unserved).toBeCloseTo(1.5, 12);
    expect(cpu.withdraw(1)).toBe(-1);
  });
});

describe("SlotHeap.remove", () => {
  it("pops the remaining slots in key order after arbitrary removals", () => {
    const heap = new SlotHeap(256);
    const keys = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    for (const [slot, k] of keys.entries()) heap.push(slot, k);
    const removed = new Set<number>();
    for (let slot = 0; slot < 200; slot += 3) {
      expect(heap.remove(slot)).toBe(true);
      removed.add(slot);
    }
    expect(heap.remove(0)).toBe(false);
    const out: number[] = [];
    for (let s = heap.pop(); s >= 0; s = heap.pop()) out.push(heap.keyOf(s));
    const expected = keys.filter((_, slot) => !removed.has(slot)).sort((a, b) => a - b);
    expect(out).toEqual(expected);
  });
});
