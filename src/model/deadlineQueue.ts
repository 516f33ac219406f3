import type { ActionId, Simulation } from "../engine/simulation.js";

/** A deadline this close to now is due (the timer's now + delay may round a hair short of it). */
const DUE_TOLERANCE_S = 1e-9;

/**
 * Client deadlines of one request class. Its timeout is fixed and requests start in time order, so
 * deadlines arrive sorted: a FIFO with ONE pending timer (for the oldest request still in flight) is
 * enough, and requests that finish in time cost a push and a skip, not an event each.
 */
export class DeadlineQueue {
  // A ring buffer of (request row, serial, deadline) in typed arrays: watching allocates nothing.
  private ids = new Int32Array(64);
  private serials = new Float64Array(64);
  private deadlines = new Float64Array(64);
  private head = 0;
  private count = 0;
  private armed = false;
  private readonly fire: ActionId;

  /**
   * `live(id, serial)` says whether the request is still waiting for its answer; `expire(id)` is called
   * at its deadline if it is.
   */
  constructor(
    private readonly sim: Simulation,
    private readonly timeoutSeconds: number,
    private readonly live: (id: number, serial: number) => boolean,
    private readonly expire: (id: number) => void,
  ) {
    this.fire = sim.register(() => this.onTimer());
  }

  /** Watches a request that starts now; its deadline is now + the timeout (computed here: no double is passed). */
  watch(id: number, serial: number): void {
    const deadline = this.sim.now + this.timeoutSeconds;
    if (this.count === this.ids.length) this.grow();
    const i = (this.head + this.count++) & (this.ids.length - 1);
    this.ids[i] = id;
    this.serials[i] = serial;
    this.deadlines[i] = deadline;
    if (!this.armed) this.arm(deadline);
  }

  private arm(deadline: number): void {
    this.armed = true;
    this.sim.post(Math.max(0, deadline - this.sim.now), this.fire);
  }

  private onTimer(): void {
    // Stays armed while expiring: a client told of its timeout may start a new request of this class.
    this.armed = true;
    const now = this.sim.now;
    while (this.count > 0) {
      const i = this.head;
      const id = this.ids[i]!;
      const alive = this.live(id, this.serials[i]!);
      // Finished requests are skipped whatever their deadline; the first live one not yet due waits.
      if (alive && this.deadlines[i]! > now + DUE_TOLERANCE_S) break;
      this.head = (i + 1) & (this.ids.length - 1);
      this.count--;
      if (alive) this.expire(id);
    }
    this.armed = false;
    if (this.count > 0) this.arm(this.deadlines[this.head]!);
  }

  /** Unrolls the ring into arrays twice as long (head at 0). */
  private grow(): void {
    const n = this.ids.length * 2;
    const mask = this.ids.length - 1;
    const ids = new Int32Array(n);
    const serials = new Float64Array(n);
    const deadlines = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & mask;
      ids[k] = this.ids[i]!;
      serials[k] = this.serials[i]!;
      deadlines[k] = this.deadlines[i]!;
    }
    this.ids = ids;
    this.serials = serials;
    this.deadlines = deadlines;
    this.head = 0;
  }
}
