import type { ActionId, Simulation } from "../engine/simulation.js";

/** A deadline this close to now is due (the timer's now + delay may round a hair short of it). */
const DUE_TOLERANCE_S = 1e-9;

/**
 * Client deadlines of one request class. Its timeout is fixed and requests start in time order, so
 * deadlines arrive sorted: a FIFO with ONE pending timer (for the oldest request still in flight) is
 * enough, and requests that finish in time cost a push and a skip, not an event each.
 */
export class DeadlineQueue {
  private ids: number[] = [];
  private serials: number[] = [];
  private deadlines: number[] = [];
  private head = 0;
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
    this.ids.push(id);
    this.serials.push(serial);
    this.deadlines.push(deadline);
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
    while (this.head < this.ids.length) {
      const i = this.head;
      const id = this.ids[i]!;
      const alive = this.live(id, this.serials[i]!);
      // Finished requests are skipped whatever their deadline; the first live one not yet due waits.
      if (alive && this.deadlines[i]! > now + DUE_TOLERANCE_S) break;
      this.head++;
      if (alive) this.expire(id);
    }
    this.armed = false;
    if (this.head < this.ids.length) this.arm(this.deadlines[this.head]!);
    this.compact();
  }

  /** Drops the consumed prefix once it is most of the arrays. */
  private compact(): void {
    if (this.head < 1024 || this.head * 2 < this.ids.length) return;
    this.ids = this.ids.slice(this.head);
    this.serials = this.serials.slice(this.head);
    this.deadlines = this.deadlines.slice(this.head);
    this.head = 0;
  }
}
