import { describe, expect, it } from "vitest";
import { EventList } from "../../src/engine/eventList.js";
import { Signal, Simulation } from "../../src/engine/simulation.js";

/** A simulation whose registered action logs `<arg>@<time>`. */
function loggingSim(): { sim: Simulation; log: string[]; action: number } {
  const sim = new Simulation();
  const log: string[] = [];
  const action = sim.register((arg) => log.push(`${arg}@${sim.now}`));
  return { sim, log, action };
}

describe("event order", () => {
  it("fires in time order, and FIFO among equal times", () => {
    const { sim, log, action } = loggingSim();
    sim.schedule(2, action, 1);
    sim.schedule(1, action, 2);
    sim.schedule(2, action, 3);
    sim.schedule(0, action, 4);
    sim.schedule(2, action, 5);
    sim.run();
    expect(log).toEqual(["4@0", "2@1", "1@2", "3@2", "5@2"]);
  });

  it("keeps FIFO for events scheduled at the current time from inside an action", () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.after(1, () => {
      log.push("a");
      sim.after(0, () => log.push("c"));
    });
    sim.after(1, () => log.push("b"));
    sim.run();
    expect(log).toEqual(["a", "b", "c"]);
  });

  it("run(until) stops before later events and leaves the clock at until", () => {
    const { sim, log, action } = loggingSim();
    sim.schedule(1, action, 1);
    sim.schedule(5, action, 2);
    sim.run(3);
    expect(log).toEqual(["1@1"]);
    expect(sim.now).toBe(3);
    sim.run();
    expect(log).toEqual(["1@1", "2@5"]);
    expect(sim.eventsProcessed).toBe(2);
  });

  it("step fires one event at a time", () => {
    const { sim, log, action } = loggingSim();
    sim.schedule(1, action, 7);
    expect(sim.step()).toBe(true);
    expect(log).toEqual(["7@1"]);
    expect(sim.step()).toBe(false);
  });

  it("refuses negative delays and times in the past", () => {
    const { sim, action } = loggingSim();
    expect(() => sim.schedule(-1, action)).toThrow(RangeError);
    sim.schedule(2, action);
    sim.run();
    expect(() => sim.scheduleAt(1, action)).toThrow(RangeError);
  });
});

describe("cancel and reschedule", () => {
  it("a cancelled event never fires and cancelling twice is a no-op", () => {
    const { sim, log, action } = loggingSim();
    const h = sim.schedule(1, action, 1);
    sim.schedule(2, action, 2);
    expect(sim.cancel(h)).toBe(true);
    expect(sim.cancel(h)).toBe(false);
    sim.run();
    expect(log).toEqual(["2@2"]);
  });

  it("cancelling a closure event releases it", () => {
    const sim = new Simulation();
    let fired = false;
    const h = sim.after(1, () => {
      fired = true;
    });
    expect(sim.cancel(h)).toBe(true);
    sim.run();
    expect(fired).toBe(false);
    expect(sim.pendingEvents).toBe(0);
  });

  it("reschedule moves an event later or earlier and keeps its handle", () => {
    const { sim, log, action } = loggingSim();
    const a = sim.schedule(1, action, 1);
    const b = sim.schedule(5, action, 2);
    sim.schedule(3, action, 3);
    expect(sim.reschedule(a, 4)).toBe(true);
    expect(sim.reschedule(b, 2)).toBe(true);
    expect(sim.timeOf(a)).toBe(4);
    sim.run();
    expect(log).toEqual(["2@2", "3@3", "1@4"]);
    expect(sim.reschedule(a, 1)).toBe(false);
  });

  it("a rescheduled event fires after events already due at its new time", () => {
    const { sim, log, action } = loggingSim();
    const a = sim.schedule(1, action, 1);
    sim.schedule(2, action, 2);
    sim.reschedule(a, 2);
    sim.run();
    expect(log).toEqual(["2@2", "1@2"]);
  });

  it("a stale handle does not touch the event that reused its slot", () => {
    const list = new EventList(16);
    const old = list.push(1, 0, 10);
    expect(list.pop()).toBeGreaterThanOrEqual(0);
    const fresh = list.push(2, 0, 20);
    // Same slot, new generation.
    expect(fresh % 2 ** 24).toBe(old % 2 ** 24);
    expect(list.isPending(old)).toBe(false);
    expect(list.cancel(old)).toBe(false);
    expect(list.reschedule(old, 5)).toBe(false);
    expect(list.isPending(fresh)).toBe(true);
    expect(list.timeOf(fresh)).toBe(2);
  });

  it("cancel in the middle of a large heap keeps the order of the rest", () => {
    const { sim, log, action } = loggingSim();
    const handles: number[] = [];
    for (let i = 0; i < 200; i++) handles.push(sim.schedule((i * 37) % 101, action, i));
    for (let i = 0; i < 200; i += 3) sim.cancel(handles[i]!);
    sim.run();
    const times = log.map((entry) => Number(entry.split("@")[1]));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(log).toHaveLength(200 - 67);
  });
});

describe("processes", () => {
  it("a generator waits on delays and signals", () => {
    const sim = new Simulation();
    const ready = new Signal<string>();
    const log: string[] = [];
    sim.process(
      (function* () {
        yield 2;
        log.push(`slept@${sim.now}`);
        const value = yield ready;
        log.push(`${String(value)}@${sim.now}`);
      })(),
    );
    sim.after(5, () => ready.trigger("go"));
    sim.run();
    expect(log).toEqual(["slept@2", "go@5"]);
  });
});
