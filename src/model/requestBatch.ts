/**
 * Finished requests held back from an observer and handed to it in one loop (its data stays in cache),
 * in finishing order. The observer flushes before anything reads what they feed, so it records exactly
 * what it would have recorded one request at a time.
 */
export class RequestBatch {
  readonly classId: Int32Array;
  readonly replica: Int32Array;
  readonly latency: Float64Array;
  /** 1 when the request finished inside the traffic window (decided when it finished). */
  readonly measured: Uint8Array;
  length = 0;

  constructor(
    readonly capacity: number,
    private readonly fold: (batch: RequestBatch) => void,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.classId = new Int32Array(capacity);
    this.replica = new Int32Array(capacity);
    this.latency = new Float64Array(capacity);
    this.measured = new Uint8Array(capacity);
  }

  push(classId: number, replica: number, latency: number, measured: boolean): void {
    const i = this.length;
    this.classId[i] = classId;
    this.replica[i] = replica;
    this.latency[i] = latency;
    this.measured[i] = measured ? 1 : 0;
    this.length = i + 1;
    if (this.length === this.capacity) this.flush();
  }

  /** Hands the held requests to the observer. */
  flush(): void {
    if (this.length === 0) return;
    this.fold(this);
    this.length = 0;
  }
}
