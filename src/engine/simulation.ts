import { type EventHandle, EventList } from "./eventList.js";

/** An action the event list can fire: registered once, then scheduled by integer id with a numeric argument. */
export type Action = (arg: number) => void;
/** Id of a registered action. */
export type ActionId = number;
/** Id of a fixed delay (see `Simulation.fixedDelay`). */
export type FixedDelayId = number;

/**
 * The simulation clock and event loop. Time is in simulated seconds.
 *
 * Hot paths register an action once (`register`) and schedule it by id with a numeric argument, so no
 * closure or object is allocated per event. `after`/`at` take a closure for convenience at the model edge.
 */
export class Simulation {
  private readonly events: EventList;
  private readonly actions: Action[] = [];
  /** One-shot closures waiting in the event list, indexed by the closure action's argument. */
  private readonly closures: ((() => void) | undefined)[] = [];
  private readonly freeClosureSlots: number[] = [];
  private readonly closureAction: ActionId;
  /** Per fixed delay: its seconds and its lane in the event list. */
  private readonly fixedDelaySeconds: number[] = [];
  private readonly fixedDelayLane: number[] = [];
  private stopped = false;
  private nowSeconds = 0;
  private eventCount = 0;

  constructor(options: { initialEventCapacity?: number } = {}) {
    this.events = new EventList(options.initialEventCapacity);
    this.closureAction = this.register((slot) => {
      const fn = this.closures[slot]!;
      this.closures[slot] = undefined;
      this.freeClosureSlots.push(slot);
      fn();
    });
  }

  /** Current simulated time, seconds. */
  get now(): number {
    return this.nowSeconds;
  }

  /** Events fired so far (event-list pops). */
  get eventsProcessed(): number {
    return this.eventCount;
  }

  /** Events waiting in the event list. */
  get pendingEvents(): number {
    return this.events.length;
  }

  /** Registers an action and returns the id used to schedule it. */
  register(action: Action): ActionId {
    this.actions.push(action);
    return this.actions.length - 1;
  }

  /** Schedules a registered action `delaySeconds` from now. */
  schedule(delaySeconds: number, action: ActionId, arg = 0): EventHandle {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    return this.events.push(this.nowSeconds + delaySeconds, action, arg);
  }

  /** Schedules a registered action `delaySeconds` from now, without a handle (it cannot be cancelled). */
  post(delaySeconds: number, action: ActionId, arg = 0): void {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    this.events.insert(this.nowSeconds + delaySeconds, action, arg);
  }

  /**
   * Like `post`, for an event that waits long and fires rarely compared with the run's busiest events (a
   * timer's first, randomly phased tick; a long service): it waits in the event list's aside heap, in the
   * same order, so the busy events sift through a shallower heap.
   */
  postAside(delaySeconds: number, action: ActionId, arg = 0): void {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    this.events.pushAside(this.nowSeconds + delaySeconds, action, arg);
  }

  /**
   * Declares a delay that many events will be posted with (a timer's period, a fixed round trip). Events
   * posted with it (`postFixed`) are due in posting order, so the event list keeps them in a FIFO: O(1)
   * per post instead of a heap insert, in exactly the order `post` would fire them. Declaring the same
   * delay twice gives the same id.
   */
  fixedDelay(delaySeconds: number): FixedDelayId {
    if (!(delaySeconds >= 0 && Number.isFinite(delaySeconds)))
      throw new RangeError(`fixed delay must be a finite number >= 0 seconds, got ${delaySeconds}`);
    const known = this.fixedDelaySeconds.indexOf(delaySeconds);
    if (known >= 0) return known;
    this.fixedDelaySeconds.push(delaySeconds);
    this.fixedDelayLane.push(this.events.addLane());
    return this.fixedDelaySeconds.length - 1;
  }

  /** Schedules a registered action one fixed delay from now, without a handle (like `post`). */
  postFixed(delay: FixedDelayId, action: ActionId, arg = 0): void {
    const seconds = this.fixedDelaySeconds[delay]!;
    this.events.insertInLane(this.fixedDelayLane[delay]!, this.nowSeconds + seconds, action, arg);
  }

  /**
   * Slot API for a resource that owns one pending event (a CPU's next completion): `postSlot` returns a
   * small integer, `rescheduleSlot`/`cancelSlot` act on it. Valid only while that event is pending: the
   * owner must forget the slot when its action fires. Unlike handles, slots are never boxed by V8.
   */
  postSlot(delaySeconds: number, action: ActionId, arg = 0): number {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    return this.events.insert(this.nowSeconds + delaySeconds, action, arg);
  }

  rescheduleSlot(slot: number, delaySeconds: number): void {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    this.events.rescheduleSlot(slot, this.nowSeconds + delaySeconds);
  }

  cancelSlot(slot: number): void {
    this.events.cancelSlot(slot);
  }

  /** Schedules a registered action at an absolute time (not in the past). */
  scheduleAt(timeSeconds: number, action: ActionId, arg = 0): EventHandle {
    if (!(timeSeconds >= this.nowSeconds)) {
      throw new RangeError(`cannot schedule at ${timeSeconds} s, before now (${this.nowSeconds} s)`);
    }
    return this.events.push(timeSeconds, action, arg);
  }

  /**
   * Runs a closure after a delay (model-edge convenience; allocates). Closures are the model's timers and
   * think times: they wait in the event list's aside heap (same order, shallower main heap).
   */
  after(delaySeconds: number, fn: () => void): EventHandle {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    return this.events.pushAside(this.nowSeconds + delaySeconds, this.closureAction, this.storeClosure(fn));
  }

  /** Runs a closure at an absolute time (model-edge convenience; allocates). */
  at(timeSeconds: number, fn: () => void): EventHandle {
    if (!(timeSeconds >= this.nowSeconds)) {
      throw new RangeError(`cannot schedule at ${timeSeconds} s, before now (${this.nowSeconds} s)`);
    }
    return this.events.pushAside(timeSeconds, this.closureAction, this.storeClosure(fn));
  }

  /** Cancels a pending event; false if it already fired or was cancelled. O(log n). */
  cancel(handle: EventHandle): boolean {
    if (!this.events.isPending(handle)) return false;
    // A cancelled closure must release its slot too.
    const slot = this.closureSlotOf(handle);
    this.events.cancel(handle);
    if (slot >= 0) {
      this.closures[slot] = undefined;
      this.freeClosureSlots.push(slot);
    }
    return true;
  }

  /** Moves a pending event to `now + delaySeconds`, keeping its handle. O(log n). */
  reschedule(handle: EventHandle, delaySeconds: number): boolean {
    if (!(delaySeconds >= 0)) throw negativeDelay(delaySeconds);
    return this.events.reschedule(handle, this.nowSeconds + delaySeconds);
  }

  /** True while the event is waiting to fire. */
  isPending(handle: EventHandle): boolean {
    return this.events.isPending(handle);
  }

  /** Fire time of a pending event, NaN otherwise. */
  timeOf(handle: EventHandle): number {
    return this.events.timeOf(handle);
  }

  /** Time of the next event, +Infinity when none. */
  peek(): number {
    return this.events.peekTime();
  }

  /** Fires the next event; false when there is none. */
  step(): boolean {
    // Deferred: a follow-up event scheduled by the action replaces this one in the heap in one sift.
    const events = this.events;
    if (!events.popNext(Number.POSITIVE_INFINITY)) return false;
    this.nowSeconds = events.firedTime;
    this.eventCount++;
    this.actions[events.firedKind]!(events.firedArg);
    return true;
  }

  /**
   * Fires events until the list is empty, `stop()` is called, or the next event is later than
   * `untilSeconds`; the clock then stands at `untilSeconds` (if given and reached).
   */
  run(untilSeconds = Number.POSITIVE_INFINITY): void {
    this.stopped = false;
    const events = this.events;
    const actions = this.actions;
    while (!this.stopped) {
      if (!events.popNext(untilSeconds)) break;
      this.nowSeconds = events.firedTime;
      this.eventCount++;
      actions[events.firedKind]!(events.firedArg);
    }
    if (!this.stopped && untilSeconds !== Number.POSITIVE_INFINITY && untilSeconds > this.nowSeconds) {
      this.nowSeconds = untilSeconds;
    }
  }

  /** Makes `run` return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Starts a process: a generator that yields a delay in seconds (a timeout) or a `Waitable`
   * (resumed when it completes, receiving its value). Readable model-edge code; not for hot paths.
   */
  process<T = unknown>(body: Generator<ProcessStep, T, unknown>): ProcessHandle<T> {
    const handle = new ProcessHandle<T>();
    const resume = (value: unknown): void => {
      let r: IteratorResult<ProcessStep, T>;
      try {
        r = body.next(value);
      } catch (err) {
        handle.fail(err);
        return;
      }
      if (r.done) {
        handle.complete(r.value);
        return;
      }
      const step = r.value;
      if (typeof step === "number") this.after(step, () => resume(undefined));
      else step.onComplete(resume);
    };
    this.after(0, () => resume(undefined));
    return handle;
  }

  private storeClosure(fn: () => void): number {
    const slot = this.freeClosureSlots.pop() ?? this.closures.length;
    this.closures[slot] = fn;
    return slot;
  }

  private closureSlotOf(handle: EventHandle): number {
    // Only closure events carry a closure slot; the event list knows the action of a pending handle.
    return this.events.kindOfPending(handle) === this.closureAction ? this.events.argOfPending(handle) : -1;
  }
}

/**
 * The error for a negative or NaN delay, built out of line: TurboFan, inlining a scheduling call into a hot
 * caller, was seen running the message's number-to-string conversion on every call, not only on the throw
 * (a third of a 2000-user replication's CPU).
 */
function negativeDelay(delaySeconds: number): RangeError {
  return new RangeError(`delay must be >= 0 seconds, got ${delaySeconds}`);
}

/** Something a process can wait for. */
export interface Waitable<T = unknown> {
  onComplete(callback: (value: T) => void): void;
}

/** What a process generator yields: a delay in seconds, or something to wait for. */
export type ProcessStep = number | Waitable;

/** A one-shot completion that processes (or callbacks) can wait on. */
export class Signal<T = void> implements Waitable<T> {
  private waiters: ((value: T) => void)[] = [];
  private done = false;
  private result: T | undefined;

  get triggered(): boolean {
    return this.done;
  }

  get value(): T | undefined {
    return this.result;
  }

  onComplete(callback: (value: T) => void): void {
    if (this.done) callback(this.result as T);
    else this.waiters.push(callback);
  }

  /** Completes the signal and runs the waiters in the order they subscribed. */
  trigger(value: T): void {
    if (this.done) throw new Error("signal already triggered");
    this.done = true;
    this.result = value;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(value);
  }
}

/** The completion of a process: its return value, or the error it threw. */
export class ProcessHandle<T> extends Signal<T> {
  error: unknown = undefined;

  complete(value: T): void {
    this.trigger(value);
  }

  fail(err: unknown): void {
    this.error = err;
    throw err;
  }
}
