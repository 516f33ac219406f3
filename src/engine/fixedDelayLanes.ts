/**
 * Events posted with one fixed delay (a period, a constant round trip) are due in the order they were
 * posted, because the clock never goes back. So one FIFO per delay keeps them sorted: posting is O(1)
 * instead of a heap insert, and the event list's heap keeps only the events whose delays vary. The event
 * list merges the earliest lane head with its heap root by (time, sequence), so the firing order is
 * exactly the one a single heap would give.
 */

/** One delay's events in posting order: a ring buffer of (time, sequence, action, argument). */
class Lane {
  time = new Float64Array(16);
  seq = new Float64Array(16);
  kind = new Int32Array(16);
  arg = new Float64Array(16);
  head = 0;
  count = 0;
  /** Time of the last event posted (the lane's times may not decrease). */
  lastTime = Number.NEGATIVE_INFINITY;

  push(time: number, seq: number, kind: number, arg: number): void {
    if (this.count === this.time.length) this.grow();
    const i = (this.head + this.count++) & (this.time.length - 1);
    this.time[i] = time;
    this.seq[i] = seq;
    this.kind[i] = kind;
    this.arg[i] = arg;
    this.lastTime = time;
  }

  /** Unrolls the ring into arrays twice as long (head at 0). */
  private grow(): void {
    const n = this.time.length * 2;
    const mask = this.time.length - 1;
    const time = new Float64Array(n);
    const seq = new Float64Array(n);
    const kind = new Int32Array(n);
    const arg = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & mask;
      time[k] = this.time[i]!;
      seq[k] = this.seq[i]!;
      kind[k] = this.kind[i]!;
      arg[k] = this.arg[i]!;
    }
    this.time = time;
    this.seq = seq;
    this.kind = kind;
    this.arg = arg;
    this.head = 0;
  }
}

export class FixedDelayLanes {
  /** Per lane id; undefined for an external head (a structure outside whose earliest event competes). */
  private readonly lanes: (Lane | undefined)[] = [];
  /** Per lane, its head's time (+Infinity when empty) and sequence: what `findBest` scans, side by side. */
  private headTime = new Float64Array(8).fill(Number.POSITIVE_INFINITY);
  private headSeq = new Float64Array(8);
  /** Lane whose head is due first, or −1 when every lane is empty. */
  private best = -1;
  /** Time and sequence of that head (+Infinity when none). */
  bestTime = Number.POSITIVE_INFINITY;
  bestSeq = 0;
  /** Events waiting in all lanes. */
  count = 0;
  /** Action and argument of the head taken by the last `shift`. */
  shiftedKind = 0;
  shiftedArg = 0;

  /** Opens a lane; returns its id. */
  add(): number {
    return this.open(new Lane());
  }

  /**
   * Adds an external head: the earliest event of a structure kept elsewhere, set with `setExternalHead`
   * and taken by its owner when `bestLane` names it (never `shift`ed here). Returns its lane id.
   */
  addExternal(): number {
    return this.open(undefined);
  }

  /** Sets an external head's time (+Infinity when it has no event) and sequence. */
  setExternalHead(lane: number, time: number, seq: number): void {
    this.headTime[lane] = time;
    this.headSeq[lane] = seq;
    this.findBest();
  }

  /** Lane whose head is due first, or −1 when every lane is empty. */
  get bestLane(): number {
    return this.best;
  }

  private open(laneOrExternal: Lane | undefined): number {
    const lane = this.lanes.length;
    if (lane === this.headTime.length) {
      const time = new Float64Array(2 * lane).fill(Number.POSITIVE_INFINITY);
      time.set(this.headTime);
      this.headTime = time;
      const seq = new Float64Array(2 * lane);
      seq.set(this.headSeq);
      this.headSeq = seq;
    }
    this.lanes.push(laneOrExternal);
    return lane;
  }

  /** Appends an event; `time` must not be before the lane's last one. */
  push(lane: number, time: number, seq: number, kind: number, arg: number): void {
    const l = this.lanes[lane]!;
    if (!(time >= l.lastTime)) throw timeBeforeLast(lane, time, l.lastTime);
    const wasEmpty = l.count === 0;
    l.push(time, seq, kind, arg);
    this.count++;
    if (!wasEmpty) return;
    this.headTime[lane] = time;
    this.headSeq[lane] = seq;
    // A new head can only come first by an earlier time: its sequence is later than every other head's.
    if (time < this.bestTime) {
      this.best = lane;
      this.bestTime = time;
      this.bestSeq = seq;
    }
  }

  /** Takes the earliest head (there must be one): its action and argument go to shiftedKind/Arg. */
  shift(): void {
    const l = this.lanes[this.best]!;
    const h = l.head;
    this.shiftedKind = l.kind[h]!;
    this.shiftedArg = l.arg[h]!;
    const next = (h + 1) & (l.time.length - 1);
    l.head = next;
    this.count--;
    if (--l.count > 0) {
      this.headTime[this.best] = l.time[next]!;
      this.headSeq[this.best] = l.seq[next]!;
    } else {
      this.headTime[this.best] = Number.POSITIVE_INFINITY;
    }
    this.findBest();
  }

  private findBest(): void {
    let best = -1;
    let bestTime = Number.POSITIVE_INFINITY;
    let bestSeq = 0;
    const headTime = this.headTime;
    const headSeq = this.headSeq;
    const n = this.lanes.length;
    for (let i = 0; i < n; i++) {
      const t = headTime[i]!;
      if (t < bestTime || (t === bestTime && t !== Number.POSITIVE_INFINITY && headSeq[i]! < bestSeq)) {
        best = i;
        bestTime = t;
        bestSeq = headSeq[i]!;
      }
    }
    this.best = best;
    this.bestTime = bestTime;
    this.bestSeq = bestSeq;
  }
}

// Built out of line: inlined into a hot caller, TurboFan ran a template literal's number-to-string on every
// call, not only on the throw (see negativeDelay in simulation.ts).
function timeBeforeLast(lane: number, time: number, last: number): RangeError {
  return new RangeError(`lane ${lane}: time ${time} is before ${last}`);
}
