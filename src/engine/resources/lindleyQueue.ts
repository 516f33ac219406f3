import type { ActionId, Simulation } from "../simulation.js";
import type { GaugeSource } from "../stats/sampler.js";
import { TimeWeighted } from "../stats/timeWeighted.js";
import { CallbackSlots, requireTag } from "./callbackSlots.js";
import type { CompletionCallback, CompletionListener, FcfsQueueStats, TagListener } from "./fcfsQueue.js";
import { JobMeans } from "./jobMeans.js";
import { ratePerSecond } from "./resourceStats.js";

export interface LindleyQueueOptions {
  name: string;
}

/**
 * A single-server first-come-first-served queue (a lock) whose service times are known when jobs arrive:
 * each job's start is the later of its arrival and the previous job's end (Lindley's recursion), so its
 * completion event is posted at once, at the time FcfsQueue would have given it, and waiting jobs need no
 * queue of their own beyond their arrival and start times. Same statistics as a one-server FcfsQueue.
 */
export class LindleyQueue implements GaugeSource {
  readonly name: string;
  readonly servers = 1;
  private readonly sim: Simulation;
  private readonly doneAction: ActionId;
  private listener: CompletionListener | undefined;
  private tagListener: TagListener | undefined;
  private readonly callbacks = new CallbackSlots<CompletionCallback>();
  /** Arrival and start of the jobs present, oldest (in service) first: a ring. */
  private arrivals = new Float64Array(16);
  private starts = new Float64Array(16);
  private head = 0;
  private jobs = 0;
  /** When the last job submitted ends (the server is free from then on). */
  private lastEndSeconds = 0;
  // Statistics over the measurement window (numbers from the start: see TimeWeighted).
  private readonly busy: TimeWeighted;
  private readonly inSystemLevel: TimeWeighted;
  private readonly queueLevel: TimeWeighted;
  private readonly means = new JobMeans();
  private windowStartSeconds = 0;

  constructor(sim: Simulation, options: LindleyQueueOptions) {
    this.sim = sim;
    this.name = options.name;
    this.busy = new TimeWeighted(sim);
    this.inSystemLevel = new TimeWeighted(sim);
    this.queueLevel = new TimeWeighted(sim);
    this.doneAction = sim.register((tag) => this.finish(tag));
    this.windowStartSeconds = sim.now;
    this.lastEndSeconds = sim.now;
  }

  /** Sets the listener told about every tagged job's completion (replaces any previous one). */
  onComplete(listener: CompletionListener): this {
    this.listener = listener;
    this.tagListener = undefined;
    return this;
  }

  /** Like onComplete, for a listener that needs only the tag (see FcfsQueue.onCompleteTag). */
  onCompleteTag(listener: TagListener): this {
    this.tagListener = listener;
    this.listener = undefined;
    return this;
  }

  /** Submits a job holding the server `serviceSeconds`; always accepted (true). */
  submit(serviceSeconds: number, tag = 0): boolean {
    requireTag(tag);
    this.enter(serviceSeconds, tag);
    return true;
  }

  /** Convenience form: `callback(response, wait)` when the job finishes. */
  request(serviceSeconds: number, callback: CompletionCallback): boolean {
    this.enter(serviceSeconds, this.callbacks.store(callback));
    return true;
  }

  /** Jobs in service plus waiting. */
  get inSystem(): number {
    return this.jobs;
  }

  get queueLength(): number {
    return Math.max(0, this.jobs - 1);
  }

  stats(): FcfsQueueStats {
    const window = this.busy.elapsedSeconds;
    return {
      name: this.name,
      window_s: window,
      servers: 1,
      utilization: this.busy.mean(),
      background_utilization: 0,
      throughput_per_s: ratePerSecond(this.means.count, window),
      mean_service_s: this.means.service,
      mean_wait_s: this.means.wait,
      mean_response_s: this.means.response,
      mean_in_system: this.inSystemLevel.mean(),
      mean_queue_length: this.queueLevel.mean(),
      max_in_system: this.inSystemLevel.max,
      completed: this.means.count,
      rejected: 0,
      ...this.residuals(window),
    };
  }

  /** Jobs present now, over their time in the window (see ResourceStats.residual_in_system). */
  private residuals(window: number): { residual_in_system: number; residual_utilization: number } {
    if (!(window > 0)) return { residual_in_system: 0, residual_utilization: 0 };
    const now = this.sim.now;
    const from = this.windowStartSeconds;
    const mask = this.arrivals.length - 1;
    // Summed in FcfsQueue's order (the waiters, then the job in service), so the figures are the same bits.
    let sojourn = 0;
    for (let k = 1; k < this.jobs; k++)
      sojourn += now - Math.max(this.arrivals[(this.head + k) & mask]!, from);
    let service = 0;
    if (this.jobs > 0) {
      sojourn += now - Math.max(this.arrivals[this.head]!, from);
      service += now - Math.max(this.starts[this.head]!, from);
    }
    return { residual_in_system: sojourn / window, residual_utilization: service / window };
  }

  /** Starts a new measurement window now (warm-up removal); jobs present stay. */
  resetStats(): void {
    this.busy.reset();
    this.inSystemLevel.reset();
    this.queueLevel.reset();
    this.means.reset();
    this.windowStartSeconds = this.sim.now;
  }

  gauges(): Record<string, () => number> {
    return {
      busy_servers: () => (this.jobs > 0 ? 1 : 0),
      in_system: () => this.jobs,
      queue_length: () => this.queueLength,
    };
  }

  private enter(serviceSeconds: number, tag: number): void {
    if (!(serviceSeconds >= 0)) throw negativeService(serviceSeconds);
    const now = this.sim.now;
    const jobs = ++this.jobs;
    if (jobs > this.arrivals.length) this.grow();
    const i = (this.head + jobs - 1) & (this.arrivals.length - 1);
    this.arrivals[i] = now;
    this.inSystemLevel.set(jobs);
    if (jobs === 1) {
      this.busy.set(1);
      this.starts[i] = now;
      this.lastEndSeconds = now + serviceSeconds;
      this.sim.post(serviceSeconds, this.doneAction, tag);
    } else {
      this.queueLevel.set(jobs - 1);
      // It starts when the job before it ends: the time that job's completion event carries.
      const start = this.lastEndSeconds;
      this.starts[i] = start;
      this.lastEndSeconds = start + serviceSeconds;
      this.sim.scheduleAt(this.lastEndSeconds, this.doneAction, tag);
    }
  }

  private finish(tag: number): void {
    const now = this.sim.now;
    const head = this.head;
    const arrival = this.arrivals[head]!;
    const start = this.starts[head]!;
    this.head = (head + 1) & (this.arrivals.length - 1);
    const arrivedInWindow = Math.max(arrival, this.windowStartSeconds);
    this.means.add(
      now - arrivedInWindow,
      Math.max(0, start - arrivedInWindow),
      now - Math.max(start, this.windowStartSeconds),
    );
    const jobs = --this.jobs;
    this.inSystemLevel.set(jobs);
    // The next job (if any) starts now, as its completion event was posted for.
    if (jobs > 0) this.queueLevel.set(jobs - 1);
    else this.busy.set(0);
    if (tag < 0) this.callbacks.take(tag)(now - arrival, start - arrival);
    else if (this.tagListener) this.tagListener(tag);
    else this.listener?.(tag, now - arrival, start - arrival);
  }

  /** Doubles the ring, oldest job first. */
  private grow(): void {
    const n = this.arrivals.length;
    const arrivals = new Float64Array(2 * n);
    const starts = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      arrivals[k] = this.arrivals[(this.head + k) & (n - 1)]!;
      starts[k] = this.starts[(this.head + k) & (n - 1)]!;
    }
    this.arrivals = arrivals;
    this.starts = starts;
    this.head = 0;
  }
}

// Built out of line (see negativeService in fcfsQueue.ts).
function negativeService(serviceSeconds: number): RangeError {
  return new RangeError(`service must be >= 0 seconds, got ${serviceSeconds}`);
}
