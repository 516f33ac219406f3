/**
 * The pending-event set: a binary min-heap over integer slots, ordered by (time, sequence), with all
 * event data in typed arrays (struct-of-arrays) so the hot path allocates nothing.
 *
 * Ties in time pop in insertion order (FIFO) because the sequence number is strictly increasing.
 * Every slot knows its heap position, so cancel and reschedule are O(log n) in place (no lazy garbage:
 * memory stays proportional to the number of pending events).
 */

/** A pending event's identity: slot in the low 24 bits, generation above, so stale handles never match. */
export type EventHandle = number;

const SLOT_BITS = 24;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
const SLOT_SPAN = 1 << SLOT_BITS;
/** Largest number of events that may be pending at once. */
export const MAX_PENDING_EVENTS = SLOT_MASK;

export class EventList {
  /** Event time in simulated seconds, per slot. */
  private time: Float64Array;
  /** Insertion sequence per slot (float64 keeps integers exact to 2^53). */
  private seq: Float64Array;
  /** Which registered action fires, per slot. */
  private kindOf: Int32Array;
  /** The action's argument, per slot (an entity index or a small value). */
  private argOf: Float64Array;
  /** Generation per slot; bumped when the slot is freed so old handles go stale. */
  private generation: Uint32Array;
  /** Heap position per slot, or -1 when the slot is free. */
  private position: Int32Array;
  /** heap[i] = slot. */
  private heap: Int32Array;
  private size = 0;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private nextFreshSlot = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.kindOf = new Int32Array(n);
    this.argOf = new Float64Array(n);
    this.generation = new Uint32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.heap = new Int32Array(n);
    this.freeSlots = new Int32Array(n);
  }

  get length(): number {
    return this.size;
  }

  /** Time of the earliest pending event, or +Infinity when empty. */
  peekTime(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.time[this.heap[0]!]!;
  }

  push(timeSeconds: number, kind: number, arg: number): EventHandle {
    const slot = this.allocateSlot();
    this.time[slot] = timeSeconds;
    this.seq[slot] = this.nextSeq++;
    this.kindOf[slot] = kind;
    this.argOf[slot] = arg;
    const i = this.size++;
    this.heap[i] = slot;
    this.position[slot] = i;
    this.siftUp(i);
    return this.generation[slot]! * SLOT_SPAN + slot;
  }

  /**
   * Removes the earliest event and returns its slot; read it with slotKind/slotArg/slotTime before the
   * next push (the slot is recycled). Returns -1 when empty.
   */
  pop(): number {
    if (this.size === 0) return -1;
    const slot = this.heap[0]!;
    this.removeAt(0);
    return slot;
  }

  slotTime(slot: number): number {
    return this.time[slot]!;
  }
  slotKind(slot: number): number {
    return this.kindOf[slot]!;
  }
  slotArg(slot: number): number {
    return this.argOf[slot]!;
  }

  /** True when the handle names an event that is still pending. */
  isPending(handle: EventHandle): boolean {
    const slot = handle & SLOT_MASK;
    return (
      slot < this.nextFreshSlot &&
      this.position[slot]! >= 0 &&
      this.generation[slot] === Math.floor(handle / SLOT_SPAN)
    );
  }

  /** Time of a pending event, or NaN for a stale handle. */
  timeOf(handle: EventHandle): number {
    return this.isPending(handle) ? this.time[handle & SLOT_MASK]! : Number.NaN;
  }

  /** Action of a pending event, or -1 for a stale handle. */
  kindOfPending(handle: EventHandle): number {
    return this.isPending(handle) ? this.kindOf[handle & SLOT_MASK]! : -1;
  }

  /** Argument of a pending event, or NaN for a stale handle. */
  argOfPending(handle: EventHandle): number {
    return this.isPending(handle) ? this.argOf[handle & SLOT_MASK]! : Number.NaN;
  }

  /** Removes a pending event; false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    if (!this.isPending(handle)) return false;
    this.removeAt(this.position[handle & SLOT_MASK]!);
    return true;
  }

  /**
   * Moves a pending event to a new time, keeping its handle. It is ordered as if inserted now, so
   * among equal times it fires after events already scheduled for that time.
   */
  reschedule(handle: EventHandle, timeSeconds: number): boolean {
    if (!this.isPending(handle)) return false;
    const slot = handle & SLOT_MASK;
    const old = this.time[slot]!;
    this.time[slot] = timeSeconds;
    this.seq[slot] = this.nextSeq++;
    const i = this.position[slot]!;
    // A later sequence number can only move it down unless the time decreased.
    if (timeSeconds < old) this.siftUp(i);
    else this.siftDown(i);
    return true;
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.nextFreshSlot === this.time.length) this.grow();
    return this.nextFreshSlot++;
  }

  private removeAt(i: number): void {
    const slot = this.heap[i]!;
    const last = --this.size;
    if (i !== last) {
      const moved = this.heap[last]!;
      this.heap[i] = moved;
      this.position[moved] = i;
      this.siftDown(i);
      if (this.heap[i] === moved) this.siftUp(i);
    }
    this.position[slot] = -1;
    this.generation[slot] = (this.generation[slot]! + 1) >>> 0;
    if (this.generation[slot]! >= 1 << 28) this.generation[slot] = 0;
    this.freeSlots[this.freeCount++] = slot;
  }

  private less(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.seq[a]! < this.seq[b]!);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const slot = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      this.position[p] = i;
      i = parent;
    }
    heap[i] = slot;
    this.position[slot] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const slot = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.less(c, slot)) break;
      heap[i] = c;
      this.position[c] = i;
      i = child;
    }
    heap[i] = slot;
    this.position[slot] = i;
  }

  private grow(): void {
    const n = this.time.length * 2;
    if (n > SLOT_SPAN) throw new RangeError(`more than ${MAX_PENDING_EVENTS} pending events`);
    this.time = growFloat(this.time, n);
    this.seq = growFloat(this.seq, n);
    this.argOf = growFloat(this.argOf, n);
    const kind = new Int32Array(n);
    kind.set(this.kindOf);
    this.kindOf = kind;
    const gen = new Uint32Array(n);
    gen.set(this.generation);
    this.generation = gen;
    const pos = new Int32Array(n).fill(-1);
    pos.set(this.position);
    this.position = pos;
    const heap = new Int32Array(n);
    heap.set(this.heap);
    this.heap = heap;
    const free = new Int32Array(n);
    free.set(this.freeSlots);
    this.freeSlots = free;
  }
}

function growFloat(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
