import type { ActionId, Simulation } from "../simulation.js";
import { QuantileSketch } from "../stats/quantileSketch.js";
import type { GaugeSource } from "../stats/sampler.js";
import { TimeWeighted } from "../stats/timeWeighted.js";
import { CallbackSlots, requireTag } from "./callbackSlots.js";
import { JobFifo } from "./jobFifo.js";
import { JobMeans } from "./jobMeans.js";
import { type ResourceStats, type ResponseQuantiles, ratePerSecond } from "./resourceStats.js";

/** Told about every finished job that was submitted with a tag. */
export type CompletionListener = (tag: number, responseSeconds: number, waitSeconds: number) => void;
/** Told only the tag of every finished tagged job (see `onCompleteTag`). */
export type TagListener = (tag: number) => void;
/** Convenience per-job callback. */
export type CompletionCallback = (responseSeconds: number, waitSeconds: number) => void;

export interface FcfsQueueOptions {
  name: string;
  /** Parallel servers c. @default 1 */
  servers?: number;
  /** Most jobs in the system (in service plus waiting), K ≥ c; arrivals beyond it are rejected. @default Infinity */
  capacity?: number;
  /** Keep a response-time sketch for p50/p95/p99. @default false */
  trackResponseQuantiles?: boolean;
  /**
   * Services are long against the run's busiest events (builds): completions wait in the event list's
   * aside heap (see Simulation.postAside). Changes cost only, never order. @default false
   */
  longServices?: boolean;
}

export type FcfsQueueStats = ResourceStats & Partial<ResponseQuantiles>;

/**
 * A multi-server first-come-first-served queue (M/G/c/K). Jobs carry a numeric tag (an entity index)
 * and the resource-level listener gets (tag, response, wait) on completion: nothing is allocated per job.
 * `request(service, callback)` is the closure-based convenience form.
 */
export class FcfsQueue implements GaugeSource {
  readonly name: string;
  readonly servers: number;
  readonly capacity: number;
  private readonly sim: Simulation;
  private readonly doneAction: ActionId;
  private listener: CompletionListener | undefined;
  private tagListener: TagListener | undefined;
  private readonly callbacks = new CallbackSlots<CompletionCallback>();
  private readonly waiting = new JobFifo();
  // In-service job per server.
  private readonly serverTag: Float64Array;
  private readonly serverArrival: Float64Array;
  private readonly serverStart: Float64Array;
  private readonly serverService: Float64Array;
  /** Per server: seconds busy before its current job, and 1 while it serves one. */
  private readonly serverBusyBefore: Float64Array;
  private readonly serverBusyNow: Uint8Array;
  private readonly idleServers: Int32Array;
  private idleCount = 0;
  private jobsInSystem = 0;
  // Statistics over the measurement window.
  private readonly busy: TimeWeighted;
  private readonly inSystemLevel: TimeWeighted;
  private readonly queueLevel: TimeWeighted;
  private readonly means = new JobMeans();
  private readonly responseSketch: QuantileSketch | undefined;
  private readonly longServices: boolean;
  private rejectedCount = 0;
  /**
   * Start of the measurement window. Jobs that straddle it count only their time inside it, so Little's
   * law and the utilisation law hold over the window exactly up to the jobs still present at its end.
   * A number from the start, so V8 keeps it an in-place double (see TimeWeighted).
   */
  private windowStartSeconds = 0;

  constructor(sim: Simulation, options: FcfsQueueOptions) {
    const servers = options.servers ?? 1;
    if (!Number.isInteger(servers) || servers < 1)
      throw new RangeError(`servers must be an integer >= 1, got ${servers}`);
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity >= servers) || (Number.isFinite(capacity) && !Number.isInteger(capacity))) {
      throw new RangeError(`capacity must be an integer >= servers (${servers}), got ${capacity}`);
    }
    this.sim = sim;
    this.name = options.name;
    this.servers = servers;
    this.capacity = capacity;
    this.serverTag = new Float64Array(servers);
    this.serverArrival = new Float64Array(servers);
    this.serverStart = new Float64Array(servers);
    this.serverService = new Float64Array(servers);
    this.serverBusyBefore = new Float64Array(servers);
    this.serverBusyNow = new Uint8Array(servers);
    // Stack of idle servers with server 0 on top, so the lowest-numbered idle server starts next.
    this.idleServers = Int32Array.from({ length: servers }, (_, i) => servers - 1 - i);
    this.idleCount = servers;
    this.busy = new TimeWeighted(sim);
    this.inSystemLevel = new TimeWeighted(sim);
    this.queueLevel = new TimeWeighted(sim);
    this.responseSketch = options.trackResponseQuantiles ? new QuantileSketch() : undefined;
    this.longServices = options.longServices ?? false;
    this.doneAction = sim.register((server) => this.finish(server));
    this.windowStartSeconds = sim.now;
  }

  /** Sets the listener told about every tagged job's completion (replaces any previous one). */
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

  /** Submits a job needing `serviceSeconds` of one server; false if rejected at capacity. */
  submit(serviceSeconds: number, tag = 0): boolean {
    requireTag(tag);
    return this.enter(serviceSeconds, tag);
  }

  /** Convenience form: `callback(response, wait)` when the job finishes; false if rejected. */
  request(serviceSeconds: number, callback: CompletionCallback): boolean {
    if (this.jobsInSystem >= this.capacity) return this.enter(serviceSeconds, 0);
    return this.enter(serviceSeconds, this.callbacks.store(callback));
  }

  /** Jobs in service plus waiting. */
  get inSystem(): number {
    return this.jobsInSystem;
  }

  get busyServers(): number {
    return this.servers - this.idleCount;
  }

  get queueLength(): number {
    return this.waiting.length;
  }

  stats(): FcfsQueueStats {
    const window = this.busy.elapsedSeconds;
    const stats: FcfsQueueStats = {
      name: this.name,
      window_s: window,
      servers: this.servers,
      utilization: this.busy.mean() / this.servers,
      background_utilization: 0,
      throughput_per_s: ratePerSecond(this.means.count, window),
      mean_service_s: this.means.service,
      mean_wait_s: this.means.wait,
      mean_response_s: this.means.response,
      mean_in_system: this.inSystemLevel.mean(),
      mean_queue_length: this.queueLevel.mean(),
      max_in_system: this.inSystemLevel.max,
      completed: this.means.count,
      rejected: this.rejectedCount,
      ...this.residuals(window),
    };
    const sketch = this.responseSketch;
    if (sketch) {
      stats.response_p50_s = sketch.quantile(0.5);
      stats.response_p95_s = sketch.quantile(0.95);
      stats.response_p99_s = sketch.quantile(0.99);
    }
    return stats;
  }

  /** Jobs present now, over their time in the window (see ResourceStats.residual_in_system). */
  private residuals(window: number): { residual_in_system: number; residual_utilization: number } {
    if (!(window > 0)) return { residual_in_system: 0, residual_utilization: 0 };
    const now = this.sim.now;
    const from = this.windowStartSeconds;
    let sojourn = this.waiting.timeWaitingSince(from, now);
    let service = 0;
    const idle = new Set(Array.from(this.idleServers.subarray(0, this.idleCount)));
    for (let s = 0; s < this.servers; s++) {
      if (idle.has(s)) continue;
      sojourn += now - Math.max(this.serverArrival[s]!, from);
      service += now - Math.max(this.serverStart[s]!, from);
    }
    return { residual_in_system: sojourn / window, residual_utilization: service / (window * this.servers) };
  }

  /** Starts a new measurement window now (warm-up removal); jobs present stay. */
  resetStats(): void {
    this.busy.reset();
    this.inSystemLevel.reset();
    this.queueLevel.reset();
    this.means.reset();
    this.responseSketch?.reset();
    this.rejectedCount = 0;
    this.windowStartSeconds = this.sim.now;
  }

  gauges(): Record<string, () => number> {
    return {
      busy_servers: () => this.busyServers,
      in_system: () => this.jobsInSystem,
      queue_length: () => this.waiting.length,
    };
  }

  private enter(serviceSeconds: number, tag: number): boolean {
    if (!(serviceSeconds >= 0)) throw negativeService(serviceSeconds);
    if (this.jobsInSystem >= this.capacity) {
      this.rejectedCount++;
      return false;
    }
    this.jobsInSystem++;
    this.inSystemLevel.set(this.jobsInSystem);
    const now = this.sim.now;
    if (this.idleCount > 0) {
      this.busy.set(this.servers - this.idleCount + 1);
      this.start(this.idleServers[--this.idleCount]!, tag, serviceSeconds, now);
    } else {
      this.waiting.push(tag, serviceSeconds, now);
      this.queueLevel.set(this.waiting.length);
    }
    return true;
  }

  /** True while server `server` serves a job. */
  serverBusy(server: number): boolean {
    return this.serverBusyNow[server] === 1;
  }

  /** Seconds server `server` has been busy since construction (not reset by resetStats). */
  serverBusySeconds(server: number): number {
    const before = this.serverBusyBefore[server]!;
    return this.serverBusyNow[server] === 1 ? before + (this.sim.now - this.serverStart[server]!) : before;
  }

  private start(server: number, tag: number, serviceSeconds: number, arrivalSeconds: number): void {
    this.serverBusyNow[server] = 1;
    this.serverTag[server] = tag;
    this.serverArrival[server] = arrivalSeconds;
    this.serverStart[server] = this.sim.now;
    this.serverService[server] = serviceSeconds;
    if (this.longServices) this.sim.postAside(serviceSeconds, this.doneAction, server);
    else this.sim.post(serviceSeconds, this.doneAction, server);
  }

  private finish(server: number): void {
    const now = this.sim.now;
    const tag = this.serverTag[server]!;
    const responseSeconds = now - this.serverArrival[server]!;
    const waitSeconds = this.serverStart[server]! - this.serverArrival[server]!;
    this.serverBusyBefore[server]! += now - this.serverStart[server]!;
    this.serverBusyNow[server] = 0;
    const from = this.windowStartSeconds;
    const arrivedInWindow = Math.max(this.serverArrival[server]!, from);
    const startedInWindow = Math.max(this.serverStart[server]!, from);
    this.means.add(
      now - arrivedInWindow,
      Math.max(0, this.serverStart[server]! - arrivedInWindow),
      now - startedInWindow,
    );
    this.responseSketch?.add(responseSeconds);
    this.jobsInSystem--;
    this.inSystemLevel.set(this.jobsInSystem);
    // Hand the server to the next waiter before telling anyone, so a job submitted by the listener
    // at this instant queues behind the waiters (FCFS).
    const waiting = this.waiting;
    if (waiting.length > 0) {
      const nextTag = waiting.headTag();
      const nextService = waiting.headAmount();
      const nextArrival = waiting.headSince();
      waiting.dropHead();
      this.queueLevel.set(waiting.length);
      this.start(server, nextTag, nextService, nextArrival);
    } else {
      this.idleServers[this.idleCount++] = server;
      this.busy.set(this.servers - this.idleCount);
    }
    if (tag < 0) this.callbacks.take(tag)(responseSeconds, waitSeconds);
    else if (this.tagListener) this.tagListener(tag);
    else this.listener?.(tag, responseSeconds, waitSeconds);
  }
}

// Built out of line: inlined into a hot caller, TurboFan ran a template literal's number-to-string on every
// call, not only on the throw (see negativeDelay in simulation.ts).
function negativeService(serviceSeconds: number): RangeError {
  return new RangeError(`service must be >= 0 seconds, got ${serviceSeconds}`);
}
