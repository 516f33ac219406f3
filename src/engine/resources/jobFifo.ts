/**
 * A first-in-first-out queue of jobs as a growable ring of typed arrays (no object per job): each
 * entry is a tag, an amount (service or work seconds) and the time it joined.
 */
export class JobFifo {
  private tags: Float64Array;
  private amounts: Float64Array;
  private sinces: Float64Array;
  private head = 0;
  private count = 0;
  private mask: number;

  constructor(initialCapacity = 64) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.tags = new Float64Array(capacity);
    this.amounts = new Float64Array(capacity);
    this.sinces = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get length(): number {
    return this.count;
  }

  push(tag: number, amount: number, sinceSeconds: number): void {
    if (this.count === this.tags.length) this.grow();
    const i = (this.head + this.count) & this.mask;
    this.tags[i] = tag;
    this.amounts[i] = amount;
    this.sinces[i] = sinceSeconds;
    this.count++;
  }

  /** Tag of the oldest entry (undefined behaviour when empty: check `length`). */
  headTag(): number {
    return this.tags[this.head]!;
  }

  headAmount(): number {
    return this.amounts[this.head]!;
  }

  headSince(): number {
    return this.sinces[this.head]!;
  }

  /** Σ (now − max(since, from)) over the entries: their waiting time inside a window starting at `from`. */
  timeWaitingSince(fromSeconds: number, nowSeconds: number): number {
    let total = 0;
    for (let k = 0; k < this.count; k++)
      total += nowSeconds - Math.max(this.sinces[(this.head + k) & this.mask]!, fromSeconds);
    return total;
  }

  /** Removes the oldest entry. */
  dropHead(): void {
    if (this.count === 0) throw new RangeError("queue is empty");
    this.head = (this.head + 1) & this.mask;
    this.count--;
  }

  private grow(): void {
    const capacity = this.tags.length * 2;
    this.tags = this.unrolled(this.tags, capacity);
    this.amounts = this.unrolled(this.amounts, capacity);
    this.sinces = this.unrolled(this.sinces, capacity);
    this.head = 0;
    this.mask = capacity - 1;
  }

  /** Copies the ring into a larger array with the oldest entry first. */
  private unrolled(a: Float64Array, capacity: number): Float64Array {
    const b = new Float64Array(capacity);
    const firstPart = a.subarray(this.head, Math.min(a.length, this.head + this.count));
    b.set(firstPart);
    b.set(a.subarray(0, this.count - firstPart.length), firstPart.length);
    return b;
  }
}
