import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventList } from "../../src/engine/eventList.js";

/** The readable reference: an array scanned for the smallest (time, sequence). */
class ReferenceList {
  private entries: { id: number; time: number; seq: number }[] = [];
  private nextSeq = 0;

  push(id: number, time: number): void {
    this.entries.push({ id, time, seq: this.nextSeq++ });
  }

  get length(): number {
    return this.entries.length;
  }

  pop(): { id: number; time: number } | undefined {
    if (this.entries.length === 0) return undefined;
    let best = 0;
    this.entries.forEach((e, i) => {
      const b = this.entries[best]!;
      if (e.time < b.time || (e.time === b.time && e.seq < b.seq)) best = i;
    });
    return this.entries.splice(best, 1)[0];
  }

  cancel(id: number): boolean {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  reschedule(id: number, time: number): boolean {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return false;
    e.time = time;
    e.seq = this.nextSeq++;
    return true;
  }
}

type Op =
  | { kind: "push"; time: number }
  | { kind: "pop" }
  | { kind: "popDeferred" }
  | { kind: "cancel"; pick: number }
  | { kind: "reschedule"; pick: number; time: number };

// Few distinct times, so ties (and FIFO among them) are common.
const time = fc.integer({ min: 0, max: 3 }).map((t) => t / 4);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("push" as const), time }),
  fc.record({ kind: fc.constant("pop" as const) }),
  // The event loop's pop: the heap is repaired by the next push (the "hold" fast path) or other call.
  fc.record({ kind: fc.constant("popDeferred" as const) }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("reschedule" as const), pick: fc.nat(), time }),
);

describe("EventList against a reference list", () => {
  it("pops the same events in the same order under any mix of push, pop, cancel and reschedule", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const list = new EventList(16);
        const reference = new ReferenceList();
        // Every handle ever issued (stale ones included), by event id.
        const handles: number[] = [];
        for (const o of ops) {
          if (o.kind === "push") {
            const id = handles.length;
            handles.push(list.push(o.time, 0, id));
            reference.push(id, o.time);
          } else if (o.kind === "pop" || o.kind === "popDeferred") {
            const expected = reference.pop();
            const slot = o.kind === "pop" ? list.pop() : list.popDeferred();
            if (expected === undefined) expect(slot).toBe(-1);
            else expect([list.slotArg(slot), list.slotTime(slot)]).toEqual([expected.id, expected.time]);
          } else if (handles.length > 0) {
            const id = o.pick % handles.length;
            if (o.kind === "cancel") expect(list.cancel(handles[id]!)).toBe(reference.cancel(id));
            else expect(list.reschedule(handles[id]!, o.time)).toBe(reference.reschedule(id, o.time));
          }
          expect(list.length).toBe(reference.length);
        }
        // Drain: the rest must come out in the same order too.
        for (let e = reference.pop(); e !== undefined; e = reference.pop()) {
          const slot = list.pop();
          expect([list.slotArg(slot), list.slotTime(slot)]).toEqual([e.id, e.time]);
        }
        expect(list.length).toBe(0);
      }),
      { seed: 20261126, numRuns: 400 },
    );
  });
});
