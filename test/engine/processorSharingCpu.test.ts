import { describe, expect, it } from "vitest";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";

/** Finish times by tag. */
function finishTimes(sim: Simulation, cpu: ProcessorSharingCpu): Map<number, number> {
  const done = new Map<number, number>();
  cpu.onComplete((tag) => done.set(tag, sim.now));
  return done;
}

describe("ProcessorSharingCpu hand-off times", () => {
  it("2 cores, 3 jobs of work 1 at t=0: each runs at 2/3 and all finish at 1.5", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
    const done = finishTimes(sim, cpu);
    for (const tag of [1, 2, 3]) cpu.submit(1, tag);
    expect(cpu.perJobRate).toBeCloseTo(2 / 3, 15);
    sim.run();
    expect([...done.values()]).toEqual([1.5, 1.5, 1.5]);
    expect(cpu.cpuSecondsTotal).toBeCloseTo(3, 12);
  });

  it("with 1 core of background on 2 cores, the same jobs share 1 core and finish at 3", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
    const done = finishTimes(sim, cpu);
    cpu.setBackgroundLoad(1);
    for (const tag of [1, 2, 3]) cpu.submit(1, tag);
    sim.run();
    expect([...done.values()]).toEqual([3, 3, 3]);
    const s = cpu.stats();
    expect(s.utilization).toBeCloseTo(1, 12);
    expect(s.background_utilization).toBeCloseTo(0.5, 12);
  });

  it("a job never gets more than one core: 1 job on 4 cores takes its work in time", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 4 });
    const done = finishTimes(sim, cpu);
    cpu.submit(2.5, 7);
    sim.run();
    expect(done.get(7)).toBe(2.5);
    expect(cpu.stats().utilization).toBeCloseTo(0.25, 12);
  });

  it("staggered arrivals on 1 core (hand-computed)", () => {
    // Job A (work 2) at 0; job B (work 1) at 1. A alone on [0,1): 1 done, 1 left.
    // Both share [1,3): each gains 1 → both finish at 3.
    // Job C (work 1) at 3.5 alone → 4.5.
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const done = finishTimes(sim, cpu);
    cpu.submit(2, 1);
    sim.after(1, () => cpu.submit(1, 2));
    sim.after(3.5, () => cpu.submit(1, 3));
    sim.run();
    expect(done.get(1)).toBe(3);
    expect(done.get(2)).toBe(3);
    expect(done.get(3)).toBe(4.5);
  });

  it("a short job overtakes a long one", () => {
    // Long (work 3) and short (work 1) at 0 on 1 core, each at rate 1/2: short is done at 2, when
    // long has 1 done and 2 left, alone at rate 1 → finishes at 4.
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const done = finishTimes(sim, cpu);
    cpu.submit(3, 1);
    cpu.submit(1, 2);
    sim.run();
    expect(done.get(2)).toBe(2);
    expect(done.get(1)).toBe(4);
  });

  it("background load changes mid-job re-time the single completion event", () => {
    // 1 job of work 2 on 2 cores: alone it runs at 1 core. At t=1, background 1.5 cores → rate 0.5;
    // 1 left → finishes at 3. Background is capped at 0.99·c with the rest unmet.
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
    const done = finishTimes(sim, cpu);
    cpu.submit(2, 1);
    sim.after(1, () => cpu.setBackgroundLoad(1.5));
    sim.run();
    expect(done.get(1)).toBe(3);
    expect(sim.pendingEvents).toBe(0);
    cpu.setBackgroundLoad(5);
    expect(cpu.backgroundVcpu).toBeCloseTo(1.98, 12);
    expect(cpu.backgroundUnmetVcpu).toBeCloseTo(3.02, 12);
  });

  it("keeps one pending event however many jobs share the CPU", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 2 });
    for (let i = 0; i < 1000; i++) cpu.submit(1 + (i % 7), i);
    expect(sim.pendingEvents).toBe(1);
    let completed = 0;
    cpu.onComplete(() => completed++);
    sim.run();
    expect(completed).toBe(1000);
  });

  it("below c jobs, an arrival that finishes later leaves the pending completion alone; one that finishes first re-times it", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 4 });
    const done = finishTimes(sim, cpu);
    let reschedules = 0;
    const reschedule = sim.rescheduleSlot.bind(sim);
    sim.rescheduleSlot = (slot, delay) => {
      reschedules++;
      reschedule(slot, delay);
    };
    cpu.submit(2, 1); // alone: finishes at 2
    cpu.submit(5, 2); // 2 jobs on 4 cores, later than job 1: nothing to re-time
    cpu.submit(3, 3);
    expect(reschedules).toBe(0);
    cpu.submit(1, 4); // finishes first (t = 1): the completion event moves
    expect(reschedules).toBe(1);
    sim.run();
    expect([...done]).toEqual([
      [4, 1],
      [1, 2],
      [3, 3],
      [2, 5],
    ]);
  });

  it("reports response − work as the wait, through the callback form too", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const seen: number[][] = [];
    cpu.request(1, (r, w) => seen.push([r, w]));
    cpu.request(1, (r, w) => seen.push([r, w]));
    sim.run();
    expect(seen).toEqual([
      [2, 1],
      [2, 1],
    ]);
  });
});

describe("tag-only listeners", () => {
  it("onCompleteTag hears each tag once; a later onComplete replaces it", () => {
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const tags: number[] = [];
    cpu.onCompleteTag((tag) => tags.push(tag));
    cpu.submit(1, 7);
    cpu.submit(2, 8);
    sim.run();
    expect(tags).toEqual([7, 8]);
    const full: [number, number][] = [];
    cpu.onComplete((tag, response) => full.push([tag, response]));
    cpu.submit(1, 9);
    sim.run();
    expect(tags).toEqual([7, 8]);
    expect(full).toEqual([[9, 1]]);
  });
});

describe("ProcessorSharingCpu.forEachJob", () => {
  it("reports each job's remaining work without moving the CPU's clock", () => {
    // 1 core: A (work 2) at 0, B (work 1) at 1. At 2: A has 2 - 1 - 0.5 = 0.5 left, B 0.5.
    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 1 });
    const done = finishTimes(sim, cpu);
    cpu.submit(2, 1);
    sim.after(1, () => cpu.submit(1, 2));
    const seen = new Map<number, number>();
    sim.after(2, () => cpu.forEachJob((tag, left) => seen.set(tag, left)));
    sim.run();
    expect(seen.get(1)).toBeCloseTo(0.5, 12);
    expect(seen.get(2)).toBeCloseTo(0.5, 12);
    expect(done.get(1)).toBe(3);
    expect(done.get(2)).toBe(3);
  });
});
