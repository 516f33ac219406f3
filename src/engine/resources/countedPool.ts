import type { Simulation } from "../simulation.js";
import { Mean } from "../stats/mean.js";
import type { GaugeSource } from "../stats/sampler.js";
import { TimeWeighted } from "../stats/timeWeighted.js";
import { CallbackSlots, requireTag } from "./callbackSlots.js";
import { JobFifo } from "./jobFifo.js";
import { type ResourceStats, ratePerSecond } from "./resourceStats.js";

/** Told about every grant to a tagged request: the unit to release later and how long it waited. */
export type GrantListener = (tag: number, unit: number, waitSeconds: number) => void;
/** Convenience per-request callback. */
export type GrantCallback = (unit: number, waitSeconds: number) => void;

export interface CountedPoolOptions {
  name: string;
  /** Units in the pool k (e.g. database connections). */
  size: number;
}

export type CountedPoolStats = ResourceStats & {
  /** Time-average units in use. */
  mean_in_use: number;
  max_waiting: number;
};

/**
 * A pool of k identical units (database connections) with FIFO waiters. A grant names a unit
 * (0..k−1) that the holder passes back to `release`, so hold times are measured exactly. A released
 * unit goes to the first waiter at the same instant. Grants are delivered synchronously: to the pool's
 * listener for tagged requests, or to the request's callback in the convenience form.
 */
export class CountedPool implements GaugeSource {
  readonly name: string;
  readonly size: number;
  private readonly sim: Simulation;
  private listener: GrantListener | undefined;
  private readonly callbacks = new CallbackSlots<GrantCallback>();
  private readonly waiters = new JobFifo();
  private readonly freeUnits: Int32Array;
  private freeCount = 0;
  private readonly held: Uint8Array;
  private readonly grantedAt: Float64Array;
  private readonly requestedAt: Float64Array;
  // Statistics.
  private readonly inUseLevel: TimeWeighted;
  private readonly waitingLevel: TimeWeighted;
  private readonly waitMean = new Mean();
  private readonly holdMean = new Mean();
  private readonly responseMean = new Mean();
  /** Start of the measurement window; holds and waits that straddle it count only their part inside (a number from the start: see TimeWeighted). */
  private windowStartSeconds = 0;
  /** Grants that had to wait, since construction (like database/sql's WaitCount; not reset by resetStats). */
  waitCountTotal = 0;
  /** Seconds those grants waited, since construction (database/sql's WaitDuration). */
  waitSecondsTotal = 0;

  constructor(sim: Simulation, options: CountedPoolOptions) {
    const size = options.size;
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`size must be an integer >= 1, got ${size}`);
    this.sim = sim;
    this.name = options.name;
    this.size = size;
    // Unit 0 on top of the stack, so grants are deterministic and start from the lowest unit.
    this.freeUnits = Int32Array.from({ length: size }, (_, i) => size - 1 - i);
    this.freeCount = size;
    this.held = new Uint8Array(size);
    this.grantedAt = new Float64Array(size);
    this.requestedAt = new Float64Array(size);
    this.windowStartSeconds = sim.now;
    this.inUseLevel = new TimeWeighted(sim);
    this.waitingLevel = new TimeWeighted(sim);
  }

  /** Sets the listener told about grants to tagged requests (replaces any previous one). */
  onGrant(listener: GrantListener): this {
    this.listener = listener;
    return this;
  }

  /**
   * Asks for a unit for `tag` (≥ 0), or with a callback. Returns true if granted at once (the grant is
   * then delivered before `acquire` returns); false if queued behind earlier waiters.
   */
  acquire(tagOrCallback: number | GrantCallback): boolean {
    let tag: number;
    if (typeof tagOrCallback === "number") {
      requireTag(tagOrCallback);
      tag = tagOrCallback;
    } else {
      tag = this.callbacks.store(tagOrCallback);
    }
    const now = this.sim.now;
    if (this.freeCount > 0) {
      const unit = this.freeUnits[--this.freeCount]!;
      this.inUseLevel.set(this.size - this.freeCount);
      this.grant(unit, tag, now);
      return true;
    }
    this.waiters.push(tag, 0, now);
    this.waitingLevel.set(this.waiters.length);
    return false;
  }

  /** Returns a unit; the first waiter, if any, gets it now. */
  release(unit: number): void {
    if (!(Number.isInteger(unit) && unit >= 0 && unit < this.size) || this.held[unit] === 0) {
      throw notHeld(this.name, unit);
    }
    const now = this.sim.now;
    this.holdMean.add(now - Math.max(this.grantedAt[unit]!, this.windowStartSeconds));
    this.responseMean.add(now - Math.max(this.requestedAt[unit]!, this.windowStartSeconds));
    this.held[unit] = 0;
    const waiters = this.waiters;
    if (waiters.length > 0) {
      const tag = waiters.headTag();
      const since = waiters.headSince();
      waiters.dropHead();
      this.waitingLevel.set(waiters.length);
      this.grant(unit, tag, since);
    } else {
      this.freeUnits[this.freeCount++] = unit;
      this.inUseLevel.set(this.size - this.freeCount);
    }
  }

  get inUse(): number {
    return this.size - this.freeCount;
  }

  get available(): number {
    return this.freeCount;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  stats(): CountedPoolStats {
    const window = this.inUseLevel.elapsedSeconds;
    const inUse = this.inUseLevel.mean();
    const waiting = this.waitingLevel.mean();
    return {
      name: this.name,
      window_s: window,
      servers: this.size,
      utilization: inUse / this.size,
      background_utilization: 0,
      throughput_per_s: ratePerSecond(this.holdMean.count, window),
      mean_service_s: this.holdMean.mean,
      mean_wait_s: this.waitMean.mean,
      mean_response_s: this.responseMean.mean,
      mean_in_system: inUse + waiting,
      mean_queue_length: waiting,
      // Waiters exist only while every unit is in use.
      max_in_system: this.waitingLevel.max > 0 ? this.size + this.waitingLevel.max : this.inUseLevel.max,
      completed: this.holdMean.count,
      rejected: 0,
      ...this.residuals(window),
      mean_in_use: inUse,
      max_waiting: this.waitingLevel.max,
    };
  }

  /** Holders and waiters present now, over their time in the window (see ResourceStats.residual_in_system). */
  private residuals(window: number): { residual_in_system: number; residual_utilization: number } {
    if (!(window > 0)) return { residual_in_system: 0, residual_utilization: 0 };
    const now = this.sim.now;
    const from = this.windowStartSeconds;
    let sojourn = this.waiters.timeWaitingSince(from, now);
    let hold = 0;
    for (let u = 0; u < this.size; u++) {
      if (this.held[u] === 0) continue;
      sojourn += now - Math.max(this.requestedAt[u]!, from);
      hold += now - Math.max(this.grantedAt[u]!, from);
    }
    return { residual_in_system: sojourn / window, residual_utilization: hold / (window * this.size) };
  }

  /** Starts a new measurement window now (warm-up removal); holders and waiters stay. */
  resetStats(): void {
    this.inUseLevel.reset();
    this.waitingLevel.reset();
    this.waitMean.reset();
    this.holdMean.reset();
    this.responseMean.reset();
    this.windowStartSeconds = this.sim.now;
  }

  gauges(): Record<string, () => number> {
    return {
      in_use: () => this.inUse,
      waiting: () => this.waiters.length,
    };
  }

  private grant(unit: number, tag: number, requestedSeconds: number): void {
    const now = this.sim.now;
    this.held[unit] = 1;
    this.grantedAt[unit] = now;
    this.requestedAt[unit] = requestedSeconds;
    const waitSeconds = now - requestedSeconds;
    if (waitSeconds > 0) {
      this.waitCountTotal++;
      this.waitSecondsTotal += waitSeconds;
    }
    this.waitMean.add(now - Math.max(requestedSeconds, this.windowStartSeconds));
    if (tag < 0) this.callbacks.take(tag)(unit, waitSeconds);
    else this.listener?.(tag, unit, waitSeconds);
  }
}

// Built out of line: inlined into a hot caller, TurboFan ran a template literal's number-to-string on every
// call, not only on the throw (see negativeDelay in simulation.ts).
function notHeld(name: string, unit: number): RangeError {
  return new RangeError(`${name}: unit ${unit} is not held`);
}
