/**
 * A binary min-heap of integer slots keyed by a number, ties broken by insertion order (FIFO). Keys live
 * in typed arrays indexed by slot, so pushing and popping allocate nothing once the arrays are large
 * enough. The owner allocates the slots (0..capacity−1) and keeps its own per-slot data.
 */
export class SlotHeap {
  private keys: Float64Array;
  private seqs: Float64Array;
  private heap: Int32Array;
  private size = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 64) {
    this.keys = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.heap = new Int32Array(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  /** Slots this heap can hold; grow with `ensureCapacity`. */
  get capacity(): number {
    return this.heap.length;
  }

  ensureCapacity(slots: number): void {
    if (slots <= this.heap.length) return;
    let n = this.heap.length * 2;
    while (n < slots) n *= 2;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    this.keys = keys;
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const heap = new Int32Array(n);
    heap.set(this.heap);
    this.heap = heap;
  }

  push(slot: number, key: number): void {
    this.keys[slot] = key;
    this.seqs[slot] = this.nextSeq++;
    const i = this.size++;
    this.heap[i] = slot;
    this.siftUp(i);
  }

  /** The i-th slot in heap order (0 ≤ i < length), for visiting every slot present. */
  slotAt(i: number): number {
    return this.heap[i]!;
  }

  /** Slot with the smallest key, or -1 when empty. */
  peek(): number {
    return this.size === 0 ? -1 : this.heap[0]!;
  }

  keyOf(slot: number): number {
    return this.keys[slot]!;
  }

  /** Removes and returns the slot with the smallest key, or -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const heap = this.heap;
    const top = heap[0]!;
    const n = --this.size;
    if (n > 0) {
      heap[0] = heap[n]!;
      this.siftDown(0);
    }
    return top;
  }

  /** Removes `slot` wherever it sits (a linear search for it: for rare removals); false if absent. */
  remove(slot: number): boolean {
    const heap = this.heap;
    let i = 0;
    while (i < this.size && heap[i] !== slot) i++;
    if (i === this.size) return false;
    const n = --this.size;
    if (i === n) return true;
    const last = heap[n]!;
    heap[i] = last;
    this.siftUp(i);
    // It moved up, or it belongs at i or below.
    if (heap[i] === last) this.siftDown(i);
    return true;
  }

  // The (key, sequence) comparison is written out in both sifts: a helper was not always inlined.
  private siftUp(start: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const seqs = this.seqs;
    const slot = heap[start]!;
    const key = keys[slot]!;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      const pk = keys[p]!;
      if (!(key < pk || (key === pk && seqs[slot]! < seqs[p]!))) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const keys = this.keys;
    const seqs = this.seqs;
    const n = this.size;
    const slot = heap[start]!;
    const key = keys[slot]!;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let c = heap[child]!;
      let ck = keys[c]!;
      const right = child + 1;
      if (right < n) {
        const r = heap[right]!;
        const rk = keys[r]!;
        if (rk < ck || (rk === ck && seqs[r]! < seqs[c]!)) {
          child = right;
          c = r;
          ck = rk;
        }
      }
      if (!(ck < key || (ck === key && seqs[c]! < seqs[slot]!))) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = slot;
  }
}
