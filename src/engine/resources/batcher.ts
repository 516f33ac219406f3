import type { EventHandle } from "../eventList.js";
import type { ActionId, Simulation } from "../simulation.js";
import { Mean } from "../stats/mean.js";
import type { GaugeSource } from "../stats/sampler.js";
import { TimeWeighted } from "../stats/timeWeighted.js";
import { requireTag } from "./callbackSlots.js";
import { JobFifo } from "./jobFifo.js";
import { type ResourceStats, ratePerSecond } from "./resourceStats.js";

/** Why a batch was flushed (a `reason` label, as batcher metrics carry). */
export type FlushReason = "capacity" | "scheduled" | "shutdown";
/** Told about every flush: how many items left the buffer and why. */
export type FlushListener = (batchSize: number, reason: FlushReason) => void;
/** Told when a blocked `add` finally enters the buffer, after waiting `blockedSeconds`. */
export type AdmitListener = (tag: number, blockedSeconds: number) => void;

export interface BatcherOptions {
  name: string;
  /** Ticker period T: a flush is due at start + k·T (like Go's time.Ticker, not reset by capacity flushes). */
  flushIntervalSeconds: number;
  /** Batch size N: reaching it flushes at once (reason "capacity"); no batch is larger. */
  maxBatchSize: number;
  /** Items the buffer holds, B. @default maxBatchSize */
  bufferCapacity?: number;
  /** What `add` does when the buffer is full: drop the item (counted) or block the producer. @default "drop" */
  whenFull?: "drop" | "block";
  /**
   * "instant": a flush takes no time. "manual": the flusher is busy from a flush until `flushDone()`
   * (e.g. when a database write completes); meanwhile items accumulate and due flushes wait.
   * @default "instant"
   */
  flushCompletion?: "instant" | "manual";
}

export type BatcherStats = ResourceStats & {
  flushes: Record<FlushReason, number>;
  items_added: number;
  dropped: number;
  /** Adds that had to wait for space (block mode). */
  blocked: number;
  mean_block_s: number;
  mean_batch_size: number;
  mean_flush_s: number;
  buffer_capacity: number;
};

/**
 * A time-or-size batcher (as write-behind buffers of metadata, heartbeats or stats are): items are buffered and
 * flushed every T seconds or as soon as N are waiting, from a bounded buffer that drops or blocks.
 * The resource's "job" is an item: its response is the time from `add` to leaving the buffer.
 */
export class Batcher implements GaugeSource {
  readonly name: string;
  readonly flushIntervalSeconds: number;
  readonly maxBatchSize: number;
  readonly bufferCapacity: number;
  readonly whenFull: "drop" | "block";
  readonly flushCompletion: "instant" | "manual";
  private readonly sim: Simulation;
  private readonly tickAction: ActionId;
  private flushListener: FlushListener | undefined;
  private admitListener: AdmitListener | undefined;
  /** Buffered items: tag and the time `add` was called. */
  private readonly items = new JobFifo();
  /** Producers blocked on a full buffer. */
  private readonly blockedProducers = new JobFifo();
  private readonly startSeconds: number = 0;
  private ticks = 0;
  private tickHandle: EventHandle = 0;
  private tickDue = false;
  private flushing = false;
  private flushStartSeconds = 0;
  private flushSize = 0;
  private closed = false;
  private servicing = false;
  // Statistics.
  private readonly bufferedLevel: TimeWeighted;
  private readonly blockedLevel: TimeWeighted;
  private readonly busy: TimeWeighted;
  private readonly itemLatency = new Mean();
  private readonly blockMean = new Mean();
  private readonly batchSizeMean = new Mean();
  private readonly flushDuration = new Mean();
  private itemsInFinishedFlushes = 0;
  private flushCounts: Record<FlushReason, number> = { capacity: 0, scheduled: 0, shutdown: 0 };
  private itemsAdded = 0;
  private droppedCount = 0;
  private blockedCount = 0;

  constructor(sim: Simulation, options: BatcherOptions) {
    const interval = options.flushIntervalSeconds;
    if (!(interval > 0 && Number.isFinite(interval))) {
      throw new RangeError(`flushIntervalSeconds must be a finite number > 0, got ${interval}`);
    }
    const n = options.maxBatchSize;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxBatchSize must be an integer >= 1, got ${n}`);
    const capacity = options.bufferCapacity ?? n;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`bufferCapacity must be an integer >= 1, got ${capacity}`);
    }
    this.sim = sim;
    this.name = options.name;
    this.flushIntervalSeconds = interval;
    this.maxBatchSize = n;
    this.bufferCapacity = capacity;
    this.whenFull = options.whenFull ?? "drop";
    this.flushCompletion = options.flushCompletion ?? "instant";
    this.bufferedLevel = new TimeWeighted(sim);
    this.blockedLevel = new TimeWeighted(sim);
    this.busy = new TimeWeighted(sim);
    this.startSeconds = sim.now;
    this.tickAction = sim.register(() => this.onTick());
    this.tickHandle = sim.scheduleAt(this.startSeconds + interval, this.tickAction);
  }

  /** Sets the flush listener (replaces any previous one). */
  onFlush(listener: FlushListener): this {
    this.flushListener = listener;
    return this;
  }

  /** Sets the listener told when blocked producers' items enter the buffer. */
  onAdmit(listener: AdmitListener): this {
    this.admitListener = listener;
    return this;
  }

  /**
   * Offers an item. True: it is buffered (a capacity flush may run before this returns). False: the
   * buffer is full and the item was dropped ("drop"), or the producer now waits in FIFO order and is
   * told through `onAdmit` when its item enters the buffer ("block").
   */
  add(tag = 0): boolean {
    requireTag(tag);
    if (this.closed) throw new Error(`${this.name}: batcher is closed`);
    const now = this.sim.now;
    if (this.items.length < this.bufferCapacity && this.blockedProducers.length === 0) {
      this.items.push(tag, 0, now);
      this.itemsAdded++;
      this.bufferedLevel.set(this.items.length);
      if (this.items.length >= this.maxBatchSize) this.service();
      return true;
    }
    if (this.whenFull === "drop") {
      this.droppedCount++;
    } else {
      this.blockedCount++;
      this.blockedProducers.push(tag, 0, now);
      this.blockedLevel.set(this.blockedProducers.length);
    }
    return false;
  }

  /** In "manual" mode, marks the running flush finished; due flushes then run. */
  flushDone(): void {
    if (!this.flushing) throw new Error(`${this.name}: no flush is running`);
    this.flushing = false;
    this.busy.set(0);
    this.flushDuration.add(this.sim.now - this.flushStartSeconds);
    this.itemsInFinishedFlushes += this.flushSize;
    this.service();
  }

  /** Stops the ticker and flushes what is left (reason "shutdown"); later adds throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sim.cancel(this.tickHandle);
    this.service();
  }

  get buffered(): number {
    return this.items.length;
  }

  /** Producers waiting for space. */
  get blocked(): number {
    return this.blockedProducers.length;
  }

  get isFlushing(): boolean {
    return this.flushing;
  }

  stats(): BatcherStats {
    const window = this.bufferedLevel.elapsedSeconds;
    const inSystem = this.bufferedLevel.mean() + this.blockedLevel.mean();
    const itemsFlushed = this.itemLatency.count;
    const finished = this.itemsInFinishedFlushes;
    return {
      name: this.name,
      window_s: window,
      servers: 1,
      utilization: this.busy.mean(),
      background_utilization: 0,
      throughput_per_s: ratePerSecond(itemsFlushed, window),
      // Flusher time per item, so that utilisation = throughput × service.
      mean_service_s: finished > 0 ? this.flushDuration.sum / finished : Number.NaN,
      mean_wait_s: this.itemLatency.mean,
      mean_response_s: this.itemLatency.mean,
      mean_in_system: inSystem,
      mean_queue_length: inSystem,
      // Producers block only while the buffer is full.
      max_in_system:
        this.blockedLevel.max > 0 ? this.bufferCapacity + this.blockedLevel.max : this.bufferedLevel.max,
      completed: itemsFlushed,
      rejected: this.droppedCount,
      // Items are timed from add to leaving the buffer; the buffer at the window end is its residual.
      residual_in_system: 0,
      residual_utilization: 0,
      flushes: { ...this.flushCounts },
      items_added: this.itemsAdded,
      dropped: this.droppedCount,
      blocked: this.blockedCount,
      mean_block_s: this.blockMean.mean,
      mean_batch_size: this.batchSizeMean.mean,
      mean_flush_s: this.flushDuration.mean,
      buffer_capacity: this.bufferCapacity,
    };
  }

  /** Starts a new measurement window now (warm-up removal); buffered items stay. */
  resetStats(): void {
    this.bufferedLevel.reset();
    this.blockedLevel.reset();
    this.busy.reset();
    this.itemLatency.reset();
    this.blockMean.reset();
    this.batchSizeMean.reset();
    this.flushDuration.reset();
    this.itemsInFinishedFlushes = 0;
    this.flushCounts = { capacity: 0, scheduled: 0, shutdown: 0 };
    this.itemsAdded = 0;
    this.droppedCount = 0;
    this.blockedCount = 0;
  }

  gauges(): Record<string, () => number> {
    return {
      buffered: () => this.items.length,
      blocked: () => this.blockedProducers.length,
      flushing: () => (this.flushing ? 1 : 0),
    };
  }

  private onTick(): void {
    this.ticks++;
    this.tickHandle = this.sim.scheduleAt(
      this.startSeconds + (this.ticks + 1) * this.flushIntervalSeconds,
      this.tickAction,
    );
    // Like Go's ticker channel (buffer 1): a tick missed while flushing is delivered once, later.
    this.tickDue = true;
    this.service();
  }

  /** Runs every flush that is due now. Re-entrant calls (from listeners) are absorbed by the running loop. */
  private service(): void {
    if (this.servicing) return;
    this.servicing = true;
    try {
      while (!this.flushing) {
        const count = this.items.length;
        if (count >= this.maxBatchSize) this.flush("capacity");
        else if (this.tickDue && count > 0) {
          this.tickDue = false;
          this.flush("scheduled");
        } else if (this.closed && count > 0) this.flush("shutdown");
        else {
          // A tick on an empty buffer has nothing to flush.
          this.tickDue = false;
          break;
        }
      }
    } finally {
      this.servicing = false;
    }
  }

  private flush(reason: FlushReason): void {
    const now = this.sim.now;
    const items = this.items;
    const size = Math.min(items.length, this.maxBatchSize);
    for (let i = 0; i < size; i++) {
      this.itemLatency.add(now - items.headSince());
      items.dropHead();
    }
    this.bufferedLevel.set(items.length);
    this.flushCounts[reason]++;
    this.batchSizeMean.add(size);
    if (this.flushCompletion === "manual") {
      this.flushing = true;
      this.flushStartSeconds = now;
      this.flushSize = size;
      this.busy.set(1);
    }
    this.admitBlocked();
    this.flushListener?.(size, reason);
  }

  /** Moves blocked producers' items into freed space, oldest first. */
  private admitBlocked(): void {
    const blocked = this.blockedProducers;
    const now = this.sim.now;
    while (blocked.length > 0 && this.items.length < this.bufferCapacity) {
      const tag = blocked.headTag();
      const since = blocked.headSince();
      blocked.dropHead();
      this.blockedLevel.set(blocked.length);
      this.items.push(tag, 0, since);
      this.itemsAdded++;
      this.bufferedLevel.set(this.items.length);
      this.blockMean.add(now - since);
      this.admitListener?.(tag, now - since);
    }
  }
}
