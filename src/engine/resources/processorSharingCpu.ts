import type { ActionId, Simulation } from "../simulation.js";
import { QuantileSketch } from "../stats/quantileSketch.js";
import type { GaugeSource } from "../stats/sampler.js";
import { TimeWeighted } from "../stats/timeWeighted.js";
import { CallbackSlots, requireTag } from "./callbackSlots.js";
import type { CompletionCallback, CompletionListener, TagListener } from "./fcfsQueue.js";
import { JobMeans } from "./jobMeans.js";
import { type ResourceStats, type ResponseQuantiles, ratePerSecond } from "./resourceStats.js";
import { SlotHeap } from "./slotHeap.js";

export interface ProcessorSharingCpuOptions {
  name: string;
  /** Cores c (may be fractional, like a CPU quota of 2.5). */
  cores: number;
  /** Most of the cores background load may take, as a fraction of c, so jobs still progress. @default 0.99 */
  maxBackgroundShare?: number;
  /** Keep a response-time sketch for p50/p95/p99. @default false */
  trackResponseQuantiles?: boolean;
}

export type ProcessorSharingCpuStats = ResourceStats &
  Partial<ResponseQuantiles> & {
    /** Time-average cores busy with jobs plus background. */
    mean_busy_cores: number;
    /** ∫ busy cores dt over the window (what process_cpu_seconds_total would add up). */
    cpu_seconds: number;
    /** Time-average background demand that did not fit (above maxBackgroundShare·c), vCPU. */
    mean_background_unmet_vcpu: number;
  };

/** Negative fluid loads smaller than this share of the cores are rounding, and count as zero. */
export const FLUID_ROUNDING = 1e-9;

/**
 * A processor-sharing CPU with c cores: each of n jobs runs at min(1, c_eff/n) of a core, where
 * c_eff = c − background and background is a fluid load (high-frequency traffic modelled as a rate).
 *
 * Implementation: a virtual time V (service attained by every job present) grows at the per-job rate;
 * a job arriving with work w finishes when V reaches V_arrival + w, so jobs sit in a min-heap keyed by
 * that virtual finish time and exactly one cancellable completion event is pending. Each arrival,
 * departure or background change is O(log n), however many jobs share the CPU.
 */
export class ProcessorSharingCpu implements GaugeSource {
  readonly name: string;
  readonly cores: number;
  readonly maxBackgroundShare: number;
  private readonly sim: Simulation;
  private readonly finishAction: ActionId;
  private listener: CompletionListener | undefined;
  private tagListener: TagListener | undefined;
  private readonly callbacks = new CallbackSlots<CompletionCallback>();
  private readonly heap = new SlotHeap();
  // Per job slot.
  private tagOf = new Float64Array(64);
  private workOf = new Float64Array(64);
  private arrivalOf = new Float64Array(64);
  /** Service a job had attained when the measurement window started (0 for later arrivals). */
  private attainedBeforeWindowOf = new Float64Array(64);
  /** Start of the measurement window; jobs that straddle it count only their time and work inside. */
  private windowStartSeconds = 0;
  private freeSlots = new Int32Array(64);
  private freeCount = 0;
  private nextFreshSlot = 0;
  // Fluid state.
  private virtualSeconds = 0;
  // Number fields start as numbers so V8 stores them as in-place doubles (see TimeWeighted).
  private lastAdvanceSeconds = 0;
  private perJobCores = 0;
  private jobs = 0;
  private backgroundRequestedVcpu = 0;
  private backgroundAppliedVcpu = 0;
  private capacityCores = 0;
  /** Event-list slot of the one pending completion event, or −1 (see Simulation.postSlot). */
  private pendingFinishSlot = -1;
  // Statistics. The three levels every arrival and departure changes (cores busy with jobs, jobs present,
  // cores busy since construction) are kept here as time-weighted sums, with TimeWeighted's arithmetic, so
  // one clock read and one object serve all three on the hot path.
  /** When the job levels last changed; start of the jobs' and their cores' window. */
  private levelsChangedAt = 0;
  private jobCoresNow = 0;
  /** ∫ jobCoresNow dt from the window start to levelsChangedAt. */
  private jobCoresArea = 0;
  private inSystemNow = 0;
  private inSystemArea = 0;
  private inSystemPeak = 0;
  /** Never reset: ∫ busy cores (jobs plus background) dt since construction, to busyChangedAt. */
  private busyNow = 0;
  private busyArea = 0;
  private busyChangedAt = 0;
  private readonly background: TimeWeighted;
  private readonly backgroundUnmet: TimeWeighted;
  private readonly means = new JobMeans();
  private readonly responseSketch: QuantileSketch | undefined;

  constructor(sim: Simulation, options: ProcessorSharingCpuOptions) {
    if (!(options.cores > 0 && Number.isFinite(options.cores))) {
      throw new RangeError(`cores must be a finite number > 0, got ${options.cores}`);
    }
    const share = options.maxBackgroundShare ?? 0.99;
    if (!(share >= 0 && share < 1))
      throw new RangeError(`maxBackgroundShare must be in [0, 1), got ${share}`);
    this.sim = sim;
    this.name = options.name;
    this.cores = options.cores;
    this.maxBackgroundShare = share;
    this.capacityCores = options.cores;
    this.lastAdvanceSeconds = sim.now;
    this.windowStartSeconds = sim.now;
    this.levelsChangedAt = sim.now;
    this.busyChangedAt = sim.now;
    this.background = new TimeWeighted(sim);
    this.backgroundUnmet = new TimeWeighted(sim);
    this.responseSketch = options.trackResponseQuantiles ? new QuantileSketch() : undefined;
    this.finishAction = sim.register(() => this.finishNext());
  }

  /** Sets the listener told about every tagged job's completion; wait = response − work. */
  onComplete(listener: CompletionListener): this {
    this.listener = listener;
    this.tagListener = undefined;
    return this;
  }

  /**
   * Like onComplete, for a listener that needs only the tag: with no response or wait passed, a call V8
   * does not inline allocates nothing (double arguments are boxed). Replaces any listener set before.
   */
  onCompleteTag(listener: TagListener): this {
    this.tagListener = listener;
    this.listener = undefined;
    return this;
  }

  /** Submits a job needing `workSeconds` of one core (a single runnable thread). */
  submit(workSeconds: number, tag = 0): void {
    requireTag(tag);
    this.enter(workSeconds, tag);
  }

  /** Convenience form: `callback(response, response − work)` when the job finishes. */
  request(workSeconds: number, callback: CompletionCallback): void {
    this.enter(workSeconds, this.callbacks.store(callback));
  }

  /**
   * Sets the background (fluid) load in vCPU from now on. It takes its share before jobs, capped at
   * maxBackgroundShare·c; the excess is reported as unmet.
   */
  setBackgroundLoad(requested: number): void {
    // A fluid load is a running sum of rates added and removed; rounding can leave -5e-19 where 0 is meant.
    const vcpu = requested < 0 && requested > -FLUID_ROUNDING * this.cores ? 0 : requested;
    if (!(vcpu >= 0 && Number.isFinite(vcpu)))
      throw new RangeError(`background load must be >= 0 vCPU, got ${vcpu}`);
    this.advance();
    this.backgroundRequestedVcpu = vcpu;
    this.backgroundAppliedVcpu = Math.min(vcpu, this.cores * this.maxBackgroundShare);
    this.capacityCores = this.cores - this.backgroundAppliedVcpu;
    this.background.set(this.backgroundAppliedVcpu);
    this.backgroundUnmet.set(vcpu - this.backgroundAppliedVcpu);
    this.updateRate(this.sim.now);
    this.scheduleNextFinish();
  }

  get jobsInSystem(): number {
    return this.jobs;
  }

  /** Share of a core each job gets now. */
  get perJobRate(): number {
    return this.perJobCores;
  }

  /** Background load actually running, vCPU. */
  get backgroundVcpu(): number {
    return this.backgroundAppliedVcpu;
  }

  /** Background demand above the cap, vCPU (0 unless the CPU is overloaded by it). */
  get backgroundUnmetVcpu(): number {
    return this.backgroundRequestedVcpu - this.backgroundAppliedVcpu;
  }

  /** Cores busy with jobs now. */
  get jobBusyCores(): number {
    return this.jobs * this.perJobCores;
  }

  /** Cores busy now, jobs plus background. */
  get busyCores(): number {
    return this.jobBusyCores + this.backgroundAppliedVcpu;
  }

  /** CPU-seconds used since construction, like process_cpu_seconds_total (not reset by resetStats). */
  get cpuSecondsTotal(): number {
    return this.busyArea + this.busyNow * (this.sim.now - this.busyChangedAt);
  }

  stats(): ProcessorSharingCpuStats {
    const window = this.sim.now - this.windowStartSeconds;
    const jobCoresIntegral = this.jobCoresArea + this.jobCoresNow * (this.sim.now - this.levelsChangedAt);
    // As TimeWeighted.mean: the current level while the window is empty.
    const jobCores = window > 0 ? jobCoresIntegral / window : this.jobCoresNow;
    const background = this.background.mean();
    const inSystemIntegral = this.inSystemArea + this.inSystemNow * (this.sim.now - this.levelsChangedAt);
    const inSystem = window > 0 ? inSystemIntegral / window : this.inSystemNow;
    const stats: ProcessorSharingCpuStats = {
      name: this.name,
      window_s: window,
      servers: this.cores,
      utilization: (jobCores + background) / this.cores,
      background_utilization: background / this.cores,
      throughput_per_s: ratePerSecond(this.means.count, window),
      mean_service_s: this.means.service,
      mean_wait_s: this.means.wait,
      mean_response_s: this.means.response,
      mean_in_system: inSystem,
      mean_queue_length: inSystem - jobCores,
      max_in_system: this.inSystemPeak,
      completed: this.means.count,
      rejected: 0,
      ...this.residuals(window),
      mean_busy_cores: jobCores + background,
      cpu_seconds: jobCoresIntegral + this.background.integral(),
      mean_background_unmet_vcpu: this.backgroundUnmet.mean(),
    };
    const sketch = this.responseSketch;
    if (sketch) {
      stats.response_p50_s = sketch.quantile(0.5);
      stats.response_p95_s = sketch.quantile(0.95);
      stats.response_p99_s = sketch.quantile(0.99);
    }
    return stats;
  }

  /** Jobs present now, over their time and work in the window (see ResourceStats.residual_in_system). */
  private residuals(window: number): { residual_in_system: number; residual_utilization: number } {
    if (!(window > 0)) return { residual_in_system: 0, residual_utilization: 0 };
    this.advance();
    const now = this.sim.now;
    let sojourn = 0;
    let work = 0;
    for (let i = 0; i < this.heap.length; i++) {
      const slot = this.heap.slotAt(i);
      sojourn += now - Math.max(this.arrivalOf[slot]!, this.windowStartSeconds);
      const attained = this.virtualSeconds - (this.heap.keyOf(slot) - this.workOf[slot]!);
      work += attained - this.attainedBeforeWindowOf[slot]!;
    }
    return { residual_in_system: sojourn / window, residual_utilization: work / (window * this.cores) };
  }

  /**
   * Visits every job present with the work it still needs, seconds (a pure read: virtual time is
   * extrapolated to now, not advanced, so reading changes no later event).
   */
  forEachJob(visit: (tag: number, remainingSeconds: number) => void): void {
    const virtualNow = this.virtualSeconds + this.perJobCores * (this.sim.now - this.lastAdvanceSeconds);
    for (let i = 0; i < this.heap.length; i++) {
      const slot = this.heap.slotAt(i);
      visit(this.tagOf[slot]!, this.heap.keyOf(slot) - virtualNow);
    }
  }

  /** Starts a new measurement window now (warm-up removal); jobs present stay. */
  resetStats(): void {
    this.jobCoresArea = 0;
    this.inSystemArea = 0;
    this.levelsChangedAt = this.sim.now;
    this.inSystemPeak = this.inSystemNow;
    this.background.reset();
    this.backgroundUnmet.reset();
    this.means.reset();
    this.responseSketch?.reset();
    this.advance();
    this.windowStartSeconds = this.sim.now;
    for (let i = 0; i < this.heap.length; i++) {
      const slot = this.heap.slotAt(i);
      // Attained service so far = V now − V at arrival, and V at arrival = finish key − work.
      this.attainedBeforeWindowOf[slot] = this.virtualSeconds - (this.heap.keyOf(slot) - this.workOf[slot]!);
    }
  }

  gauges(): Record<string, () => number> {
    return {
      busy_cores: () => this.busyCores,
      background_vcpu: () => this.backgroundAppliedVcpu,
      in_system: () => this.jobs,
      cpu_seconds_total: () => this.cpuSecondsTotal,
    };
  }

  private enter(workSeconds: number, tag: number): void {
    if (!(workSeconds >= 0 && Number.isFinite(workSeconds))) throw badWork(workSeconds);
    const now = this.sim.now;
    this.advanceTo(now);
    const slot = this.allocateSlot();
    this.tagOf[slot] = tag;
    this.workOf[slot] = workSeconds;
    this.arrivalOf[slot] = now;
    this.attainedBeforeWindowOf[slot] = 0;
    const first = this.heap.peek();
    const rateBefore = this.perJobCores;
    const key = this.virtualSeconds + workSeconds;
    this.heap.push(slot, key);
    this.jobs++;
    this.updateRate(now);
    // Below c jobs each runs at a full core: an arrival that finishes after the next job to leave changes
    // neither that job nor its rate, so its pending completion stays where it is (no heap operation).
    // (A pending completion means `first` exists; on a tie the heap keeps the earlier job first.)
    if (this.pendingFinishSlot >= 0 && this.perJobCores === rateBefore && !(key < this.heap.keyOf(first)))
      return;
    this.scheduleNextFinish();
  }

  private finishNext(): void {
    this.pendingFinishSlot = -1; // it just fired
    const now = this.sim.now;
    this.advanceTo(now);
    const slot = this.heap.pop();
    // The event was timed for V to reach this job's finish; snap away floating-point drift.
    this.virtualSeconds = Math.max(this.virtualSeconds, this.heap.keyOf(slot));
    const tag = this.tagOf[slot]!;
    const workSeconds = this.workOf[slot]!;
    const arrival = this.arrivalOf[slot]!;
    const responseSeconds = now - arrival;
    const waitSeconds = Math.max(0, responseSeconds - workSeconds);
    this.freeSlots[this.freeCount++] = slot;
    // Rebase virtual time whenever the CPU empties so it never grows large enough to lose precision.
    if (--this.jobs === 0) this.virtualSeconds = 0;
    this.updateRate(now);
    this.scheduleNextFinish();
    const responseInWindow = now - Math.max(arrival, this.windowStartSeconds);
    const workInWindow = workSeconds - this.attainedBeforeWindowOf[slot]!;
    this.means.add(responseInWindow, Math.max(0, responseInWindow - workInWindow), workInWindow);
    this.responseSketch?.add(responseSeconds);
    if (tag < 0) this.callbacks.take(tag)(responseSeconds, waitSeconds);
    else if (this.tagListener) this.tagListener(tag);
    else this.listener?.(tag, responseSeconds, waitSeconds);
  }

  /**
   * Withdraws the job tagged `tag` before it finishes (its client gave up): the service it attained
   * stays spent, the rest is never served, and no completion is reported. A linear search: for rare
   * cancellations. Returns false if no such job is present.
   */
  cancel(tag: number): boolean {
    return this.withdraw(tag) >= 0;
  }

  /** As `cancel`, returning the work the job still needed (the part never served), or -1 if absent. */
  withdraw(tag: number): number {
    let slot = -1;
    for (let i = 0; i < this.heap.length; i++) {
      const s = this.heap.slotAt(i);
      if (this.tagOf[s] === tag) {
        slot = s;
        break;
      }
    }
    if (slot < 0) return -1;
    this.advance();
    const unserved = this.heap.keyOf(slot) - this.virtualSeconds;
    // A withdrawn job departs with the service it attained, so Little's and the utilisation law still hold.
    const attained = this.virtualSeconds - (this.heap.keyOf(slot) - this.workOf[slot]!);
    const responseInWindow = this.sim.now - Math.max(this.arrivalOf[slot]!, this.windowStartSeconds);
    const workInWindow = attained - this.attainedBeforeWindowOf[slot]!;
    this.means.add(responseInWindow, Math.max(0, responseInWindow - workInWindow), workInWindow);
    this.heap.remove(slot);
    this.freeSlots[this.freeCount++] = slot;
    this.jobs--;
    if (this.jobs === 0) this.virtualSeconds = 0;
    this.updateRate(this.sim.now);
    this.scheduleNextFinish();
    return unserved;
  }

  /** Moves virtual time to now at the current per-job rate. */
  private advance(): void {
    this.advanceTo(this.sim.now);
  }

  private advanceTo(now: number): void {
    this.virtualSeconds += this.perJobCores * (now - this.lastAdvanceSeconds);
    this.lastAdvanceSeconds = now;
  }

  private updateRate(now: number): void {
    const n = this.jobs;
    const capacity = this.capacityCores;
    // Math.min(1, capacity / n), without the division while every job has a core of its own.
    this.perJobCores = n === 0 ? 0 : capacity >= n ? 1 : capacity / n;
    const jobCores = n * this.perJobCores;
    const sinceChange = now - this.levelsChangedAt;
    this.jobCoresArea += this.jobCoresNow * sinceChange;
    this.inSystemArea += this.inSystemNow * sinceChange;
    this.levelsChangedAt = now;
    this.jobCoresNow = jobCores;
    this.inSystemNow = n;
    if (n > this.inSystemPeak) this.inSystemPeak = n;
    this.busyArea += this.busyNow * (now - this.busyChangedAt);
    this.busyChangedAt = now;
    this.busyNow = jobCores + this.backgroundAppliedVcpu;
  }

  /** Keeps exactly one pending completion event, for the job with the smallest virtual finish. */
  private scheduleNextFinish(): void {
    const next = this.heap.peek();
    if (next < 0) {
      if (this.pendingFinishSlot >= 0) this.sim.cancelSlot(this.pendingFinishSlot);
      this.pendingFinishSlot = -1;
      return;
    }
    const rate = this.perJobCores;
    const virtualLeft = this.heap.keyOf(next) - this.virtualSeconds;
    // Dividing by a rate of 1 would change nothing: skip the division on the common path.
    const delay = Math.max(0, rate === 1 ? virtualLeft : virtualLeft / rate);
    if (this.pendingFinishSlot >= 0) this.sim.rescheduleSlot(this.pendingFinishSlot, delay);
    else this.pendingFinishSlot = this.sim.postSlot(delay, this.finishAction);
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    const slot = this.nextFreshSlot++;
    if (slot === this.tagOf.length) this.growSlots();
    return slot;
  }

  private growSlots(): void {
    const n = this.tagOf.length * 2;
    this.tagOf = grown(this.tagOf, n);
    this.workOf = grown(this.workOf, n);
    this.arrivalOf = grown(this.arrivalOf, n);
    this.attainedBeforeWindowOf = grown(this.attainedBeforeWindowOf, n);
    const free = new Int32Array(n);
    free.set(this.freeSlots);
    this.freeSlots = free;
    this.heap.ensureCapacity(n);
  }
}

function grown(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

// Built out of line: inlined into a hot caller, TurboFan ran a template literal's number-to-string on every
// call, not only on the throw (see negativeDelay in simulation.ts).
function badWork(workSeconds: number): RangeError {
  return new RangeError(`work must be a finite number >= 0 seconds, got ${workSeconds}`);
}
