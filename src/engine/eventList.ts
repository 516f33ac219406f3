/**
 * The pending-event set: a binary min-heap over integer slots, ordered by (time, sequence), with all
 * event data in typed arrays (struct-of-arrays) so the hot path allocates nothing.
 *
 * Ties in time pop in insertion order (FIFO) because the sequence number is strictly increasing.
 * Every slot knows its heap position, so cancel and reschedule are O(log n) in place (no lazy garbage:
 * memory stays proportional to the number of pending events).
 *
 * The heap keeps each entry's time next to its slot (`heapTime`), so sifting compares contiguous
 * memory instead of chasing slots; the sequence number is read per slot, only on equal times.
 *
 * `popDeferred` lets the event loop fire an event before taking it out of the heap: if the action then
 * schedules an event, that event replaces the fired one at the root with a single sift-down (the classic
 * "hold" operation) instead of a sift-down for the removal plus a sift-up for the insertion.
 *
 * Events posted with a fixed delay wait in FIFO lanes beside the heap (see FixedDelayLanes); `popNext`
 * takes the earliest of the heap root and the lanes' heads.
 *
 * Events that wait long and fire rarely (`pushAside`: the model edge's timers and think times) go to a
 * second heap, so the short-lived events that make up most of a run sift through a shallow heap. Its
 * root takes part in the merge as one more lane head, and it draws its sequence numbers from this list,
 * so the firing order is exactly that of a single heap. Its handles are negative.
 */

import { FixedDelayLanes } from "./fixedDelayLanes.js";

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
  /** heapTime[i] = time of heap[i]. */
  private heapTime: Float64Array;
  private size = 0;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private nextFreshSlot = 0;
  private nextSeq = 0;
  /** The root is an event already fired by `popDeferred`, still physically in the heap. */
  private firedAtRoot = false;
  private readonly lanes = new FixedDelayLanes();
  /** The heap for events pushed aside, made on first use, and the lane its root takes part in the merge as. */
  private aside: EventList | undefined;
  private asideLane = -1;
  /** Time, action and argument of the event the last `popNext` took. */
  firedTime = 0;
  firedKind = 0;
  firedArg = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.time = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.kindOf = new Int32Array(n);
    this.argOf = new Float64Array(n);
    this.generation = new Uint32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.heap = new Int32Array(n);
    this.heapTime = new Float64Array(n);
    this.freeSlots = new Int32Array(n);
  }

  get length(): number {
    return (this.firedAtRoot ? this.size - 1 : this.size) + this.lanes.count + (this.aside?.length ?? 0);
  }

  /** Time of the earliest pending event, or +Infinity when empty. */
  peekTime(): number {
    if (this.firedAtRoot) this.settle();
    const heapTime = this.size === 0 ? Number.POSITIVE_INFINITY : this.heapTime[0]!;
    return Math.min(heapTime, this.lanes.bestTime);
  }

  /** Opens a FIFO lane for events that are all posted with one fixed delay; returns its id. */
  addLane(): number {
    return this.lanes.add();
  }

  /** Adds an event to a lane; its time must not be before the lane's last event. No handle. */
  insertInLane(lane: number, timeSeconds: number, kind: number, arg: number): void {
    this.lanes.push(lane, timeSeconds, this.nextSeq++, kind, arg);
  }

  /**
   * Takes the earliest event, heap or lane, if it is due by `untilSeconds`: its time, action and argument
   * go to firedTime/firedKind/firedArg, and a heap event is removed as by `popDeferred`. False when
   * nothing is pending by then.
   */
  popNext(untilSeconds: number): boolean {
    if (this.firedAtRoot) this.settle();
    const lanes = this.lanes;
    const laneTime = lanes.bestTime;
    if (
      this.size === 0 ||
      laneTime < this.heapTime[0]! ||
      (laneTime === this.heapTime[0]! && lanes.bestSeq < this.seq[this.heap[0]!]!)
    ) {
      if (!(laneTime <= untilSeconds) || laneTime === Number.POSITIVE_INFINITY) return false;
      this.firedTime = laneTime;
      if (lanes.bestLane === this.asideLane) {
        this.takeAside();
        return true;
      }
      lanes.shift();
      this.firedKind = lanes.shiftedKind;
      this.firedArg = lanes.shiftedArg;
      return true;
    }
    const t = this.heapTime[0]!;
    if (t > untilSeconds || t === Number.POSITIVE_INFINITY) return false;
    const slot = this.heap[0]!;
    this.firedTime = t;
    this.firedKind = this.kindOf[slot]!;
    this.firedArg = this.argOf[slot]!;
    this.release(slot);
    this.firedAtRoot = true;
    return true;
  }

  push(timeSeconds: number, kind: number, arg: number): EventHandle {
    const slot = this.insert(timeSeconds, kind, arg);
    return this.generation[slot]! * SLOT_SPAN + slot;
  }

  /**
   * Like `push`, into the heap for events that wait long and fire rarely (see the class comment). The
   * order is the same as `push`'s; only the cost differs. The handle works with every handle method.
   */
  pushAside(timeSeconds: number, kind: number, arg: number): EventHandle {
    if (this.aside === undefined) {
      this.aside = new EventList(16);
      this.asideLane = this.lanes.addExternal();
    }
    const aside = this.aside;
    aside.nextSeq = this.nextSeq++;
    const handle = aside.push(timeSeconds, kind, arg);
    this.asideRootChanged();
    return -1 - handle;
  }

  /** Fires the root of the aside heap (its time is already in firedTime). */
  private takeAside(): void {
    const aside = this.aside!;
    const slot = aside.pop();
    this.firedKind = aside.kindOf[slot]!;
    this.firedArg = aside.argOf[slot]!;
    this.asideRootChanged();
  }

  /** Tells the lanes the aside heap's root (time and sequence), which competes with their heads. */
  private asideRootChanged(): void {
    const aside = this.aside!;
    if (aside.size === 0) this.lanes.setExternalHead(this.asideLane, Number.POSITIVE_INFINITY, 0);
    else this.lanes.setExternalHead(this.asideLane, aside.heapTime[0]!, aside.seq[aside.heap[0]!]!);
  }

  /**
   * Like `push` but returns the slot, a small integer: callers that never cancel skip building the
   * handle, which exceeds V8's small-integer range once a slot's generation grows and would then be
   * boxed (allocated) on every call that is not inlined.
   */
  insert(timeSeconds: number, kind: number, arg: number): number {
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.freshSlot();
    this.time[slot] = timeSeconds;
    this.seq[slot] = this.nextSeq++;
    this.kindOf[slot] = kind;
    this.argOf[slot] = arg;
    if (this.firedAtRoot) {
      // Hold: the new event takes the fired event's place at the root.
      this.firedAtRoot = false;
      this.siftDown(0, slot, timeSeconds);
    } else {
      this.siftUp(this.size++, slot, timeSeconds);
    }
    return slot;
  }

  /**
   * Removes the earliest heap event (lanes and the aside heap left out) and returns its slot; read it with
   * slotKind/slotArg/slotTime before the next push (the slot is recycled). Returns -1 when empty.
   */
  pop(): number {
    if (this.firedAtRoot) this.settle();
    if (this.size === 0) return -1;
    const slot = this.heap[0]!;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.heap[last]!, this.heapTime[last]!);
    this.release(slot);
    return slot;
  }

  /**
   * Like `pop`, but the heap is repaired lazily: by the next `push` (which then costs one sift-down for
   * both) or by any other call. For event loops whose actions usually schedule a follow-up event.
   */
  popDeferred(): number {
    if (this.firedAtRoot) this.settle();
    if (this.size === 0) return -1;
    const slot = this.heap[0]!;
    this.release(slot);
    this.firedAtRoot = true;
    return slot;
  }

  /** Finishes a deferred removal: the last entry fills the root. */
  private settle(): void {
    this.firedAtRoot = false;
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.heap[last]!, this.heapTime[last]!);
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
    if (handle < 0) return this.aside?.isPending(-1 - handle) ?? false;
    const slot = handle & SLOT_MASK;
    return (
      slot < this.nextFreshSlot &&
      this.position[slot]! >= 0 &&
      this.generation[slot] === Math.floor(handle / SLOT_SPAN)
    );
  }

  /** Time of a pending event, or NaN for a stale handle. */
  timeOf(handle: EventHandle): number {
    if (handle < 0) return this.aside?.timeOf(-1 - handle) ?? Number.NaN;
    return this.isPending(handle) ? this.time[handle & SLOT_MASK]! : Number.NaN;
  }

  /** Action of a pending event, or -1 for a stale handle. */
  kindOfPending(handle: EventHandle): number {
    if (handle < 0) return this.aside?.kindOfPending(-1 - handle) ?? -1;
    return this.isPending(handle) ? this.kindOf[handle & SLOT_MASK]! : -1;
  }

  /** Argument of a pending event, or NaN for a stale handle. */
  argOfPending(handle: EventHandle): number {
    if (handle < 0) return this.aside?.argOfPending(-1 - handle) ?? Number.NaN;
    return this.isPending(handle) ? this.argOf[handle & SLOT_MASK]! : Number.NaN;
  }

  /** Removes a pending event; false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    if (handle < 0) {
      if (!this.aside?.cancel(-1 - handle)) return false;
      this.asideRootChanged();
      return true;
    }
    if (!this.isPending(handle)) return false;
    this.cancelSlot(handle & SLOT_MASK);
    return true;
  }

  /** Removes the pending event in `slot` (see `rescheduleSlot` for when that is safe). */
  cancelSlot(slot: number): void {
    if (this.firedAtRoot) this.settle();
    const i = this.position[slot]!;
    const last = --this.size;
    if (i !== last) {
      // Put the last entry in the hole; it may need to go either way.
      const moved = this.heap[last]!;
      const movedTime = this.heapTime[last]!;
      if (this.siftDown(i, moved, movedTime) === i) this.siftUp(i, moved, movedTime);
    }
    this.release(slot);
  }

  /**
   * Moves a pending event to a new time, keeping its handle. It is ordered as if inserted now, so
   * among equal times it fires after events already scheduled for that time.
   */
  reschedule(handle: EventHandle, timeSeconds: number): boolean {
    if (handle < 0) {
      const aside = this.aside;
      if (aside === undefined) return false;
      aside.nextSeq = this.nextSeq;
      if (!aside.reschedule(-1 - handle, timeSeconds)) return false;
      this.nextSeq = aside.nextSeq;
      this.asideRootChanged();
      return true;
    }
    if (!this.isPending(handle)) return false;
    this.rescheduleSlot(handle & SLOT_MASK, timeSeconds);
    return true;
  }

  /**
   * Moves the pending event in `slot` (from `insert`) to a new time. For an owner that knows its event
   * is pending (it clears the slot when the event fires); no generation check, no boxed handle.
   */
  rescheduleSlot(slot: number, timeSeconds: number): void {
    if (this.firedAtRoot) this.settle();
    const old = this.time[slot]!;
    this.time[slot] = timeSeconds;
    this.seq[slot] = this.nextSeq++;
    const i = this.position[slot]!;
    // A later sequence number can only move it down unless the time decreased.
    if (timeSeconds < old) this.siftUp(i, slot, timeSeconds);
    else this.siftDown(i, slot, timeSeconds);
  }

  private freshSlot(): number {
    if (this.nextFreshSlot === this.time.length) this.grow();
    return this.nextFreshSlot++;
  }

  /** Frees a slot that has left the heap; its handles go stale. */
  private release(slot: number): void {
    this.position[slot] = -1;
    const generation = this.generation[slot]! + 1;
    this.generation[slot] = generation >= 1 << 28 ? 0 : generation;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Places (slot, t) at hole i or above it; returns the final position. */
  private siftUp(i: number, slot: number, t: number): number {
    const heap = this.heap;
    const heapTime = this.heapTime;
    const position = this.position;
    const seq = this.seq;
    const s = seq[slot]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = heapTime[parent]!;
      if (pt < t || (pt === t && seq[heap[parent]!]! < s)) break;
      const p = heap[parent]!;
      heap[i] = p;
      heapTime[i] = pt;
      position[p] = i;
      i = parent;
    }
    heap[i] = slot;
    heapTime[i] = t;
    position[slot] = i;
    return i;
  }

  /** Places (slot, t) at hole i or below it; returns the final position. */
  private siftDown(i: number, slot: number, t: number): number {
    const heap = this.heap;
    const heapTime = this.heapTime;
    const position = this.position;
    const seq = this.seq;
    const n = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let ct = heapTime[child]!;
      const right = child + 1;
      if (right < n) {
        const rt = heapTime[right]!;
        if (rt < ct || (rt === ct && seq[heap[right]!]! < seq[heap[child]!]!)) {
          child = right;
          ct = rt;
        }
      }
      // The sequence number is read only on a tie, which keeps a cache miss off the common path.
      if (t < ct || (t === ct && seq[slot]! < seq[heap[child]!]!)) break;
      const c = heap[child]!;
      heap[i] = c;
      heapTime[i] = ct;
      position[c] = i;
      i = child;
    }
    heap[i] = slot;
    heapTime[i] = t;
    position[slot] = i;
    return i;
  }

  private grow(): void {
    const n = this.time.length * 2;
    if (n > SLOT_SPAN) throw new RangeError(`more than ${MAX_PENDING_EVENTS} pending events`);
    this.time = growFloat(this.time, n);
    this.seq = growFloat(this.seq, n);
    this.argOf = growFloat(this.argOf, n);
    this.heapTime = growFloat(this.heapTime, n);
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

function growFloat(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
