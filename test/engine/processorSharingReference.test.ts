import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";

/** What happens to the CPU at a time: a job arrives, the background load changes, or a job is withdrawn. */
type Op =
  | { at: number; kind: "submit"; tag: number; work: number }
  | { at: number; kind: "background"; vcpu: number }
  | { at: number; kind: "withdraw"; tag: number };

const MAX_BACKGROUND_SHARE = 0.99;

/**
 * Processor sharing computed the plain way: between two instants every present job runs at
 * min(1, c_eff / n). Returns each job's finish time, or its unserved work when withdrawn.
 */
function reference(cores: number, ops: Op[]): { finish: Map<number, number>; unserved: Map<number, number> } {
  const left = new Map<number, number>();
  const finish = new Map<number, number>();
  const unserved = new Map<number, number>();
  let capacity = cores;
  let now = 0;
  const advanceTo = (until: number): void => {
    while (left.size > 0) {
      const rate = Math.min(1, capacity / left.size);
      const first = Math.min(...left.values());
      const end = now + first / rate;
      if (end > until) break;
      for (const [tag, w] of left) left.set(tag, w - first);
      for (const [tag, w] of left) {
        if (w > 1e-12) continue;
        left.delete(tag);
        finish.set(tag, end);
      }
      now = end;
    }
    const rate = left.size === 0 ? 0 : Math.min(1, capacity / left.size);
    for (const [tag, w] of left) left.set(tag, w - rate * (until - now));
    now = until;
  };
  for (const op of ops) {
    advanceTo(op.at);
    if (op.kind === "submit") left.set(op.tag, op.work);
    else if (op.kind === "background") capacity = cores - Math.min(op.vcpu, cores * MAX_BACKGROUND_SHARE);
    else if (left.has(op.tag)) {
      unserved.set(op.tag, left.get(op.tag)!);
      left.delete(op.tag);
    }
  }
  advanceTo(Number.POSITIVE_INFINITY);
  return { finish, unserved };
}

/** Random load around the core count, so the CPU keeps crossing between own events and sharing. */
function randomOps(seed: string, cores: number): Op[] {
  const rng = seedrandom(seed);
  const ops: Op[] = [];
  let t = 0;
  for (let tag = 0; tag < 400; tag++) {
    t += -Math.log(1 - rng()) * 0.3;
    ops.push({ at: t, kind: "submit", tag, work: -Math.log(1 - rng()) * 0.3 * cores });
    if (rng() < 0.2) ops.push({ at: t + rng() * 0.1, kind: "background", vcpu: rng() * cores });
    if (rng() < 0.05) ops.push({ at: t + rng() * 0.5, kind: "withdraw", tag: Math.floor(rng() * tag) });
  }
  return ops.sort((a, b) => a.at - b.at);
}

describe("ProcessorSharingCpu against processor sharing computed the plain way", () => {
  for (const cores of [1, 2, 2.5, 4]) {
    it(`${cores} cores: every finish time and every withdrawn job's unserved work match`, () => {
      const ops = randomOps(`ps-${cores}`, cores);
      const expected = reference(cores, ops);
      const sim = new Simulation();
      const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores });
      const finish = new Map<number, number>();
      const unserved = new Map<number, number>();
      cpu.onComplete((tag) => finish.set(tag, sim.now));
      for (const op of ops) {
        sim.at(op.at, () => {
          if (op.kind === "submit") cpu.submit(op.work, op.tag);
          else if (op.kind === "background") cpu.setBackgroundLoad(op.vcpu);
          else {
            const w = cpu.withdraw(op.tag);
            if (w >= 0) unserved.set(op.tag, w);
          }
        });
      }
      sim.run();
      expect(finish.size).toBe(expected.finish.size);
      for (const [tag, at] of expected.finish) expect(finish.get(tag)).toBeCloseTo(at, 8);
      expect([...unserved.keys()].sort()).toEqual([...expected.unserved.keys()].sort());
      for (const [tag, w] of expected.unserved) expect(unserved.get(tag)).toBeCloseTo(w, 8);
      // The utilisation law: every second of work submitted was either served or withdrawn unserved.
      const submitted = ops.reduce((s, op) => s + (op.kind === "submit" ? op.work : 0), 0);
      const notServed = [...unserved.values()].reduce((s, w) => s + w, 0);
      expect(cpu.stats().cpu_seconds - cpu.stats().background_utilization * cores * sim.now).toBeCloseTo(
        submitted - notServed,
        6,
      );
    });
  }
});
