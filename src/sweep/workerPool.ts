import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { evaluatePoint, type PointOutcome, type PointTask } from "./evaluate.js";
import { reviveFailure, runTask, type SimulationTask, type TaskFailure, taskFailure } from "./tasks.js";

/** What a worker sends back for one task. */
export type WorkerReply = { ok: true; outcome: PointOutcome } | { ok: false; message: string };

/** Runs points, some at once; `close` stops everything and rejects what has not finished. */
export interface PointRunner {
  readonly parallelism: number;
  run(task: PointTask): Promise<PointOutcome>;
  close(): Promise<void>;
}

/** Raised for tasks that were still queued or running when the runner closed. */
export class RunnerClosedError extends Error {
  constructor() {
    super("runner closed");
    this.name = "RunnerClosedError";
  }
}

/** The compiled worker script (dist/sweep/worker.js); absent when running from TypeScript sources. */
export const WORKER_SCRIPT = new URL("./worker.js", import.meta.url);

/** Worker threads when the compiled worker exists, else one point at a time in this thread. */
export function createPointRunner(jobs: number): PointRunner {
  return existsSync(fileURLToPath(WORKER_SCRIPT)) ? new WorkerPool(jobs) : new InProcessRunner();
}

/** Sequential, in this thread: for tests run from sources, and the in-process fallback. */
export class InProcessRunner implements PointRunner {
  readonly parallelism = 1;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();

  run(task: PointTask): Promise<PointOutcome> {
    const next = this.chain.then(
      () =>
        new Promise<PointOutcome>((resolve, reject) => {
          // Yield first so signals and I/O get a turn between points.
          setImmediate(() => {
            if (this.closed) return reject(new RunnerClosedError());
            try {
              resolve(evaluatePoint(task));
            } catch (error) {
              reject(error);
            }
          });
        }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

interface Job {
  task: PointTask;
  resolve: (outcome: PointOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  lastError?: Error;
  replies: number;
  /** This thread's end of the slot's blocking channel (see `submitSync`). */
  syncPort: MessagePort;
  /** The blocking task the worker is running, with its index in the progress array. */
  syncTicket?: number;
  index: number;
}

/** What a worker sends back on the blocking channel for one task. */
export interface SyncReply {
  ticket: number;
  ok: boolean;
  value?: unknown;
  failure?: TaskFailure;
}

/** What a worker thread is started with: the blocking channel's far end and the shared signal words. */
export interface WorkerInit {
  syncPort: MessagePort;
  /** Int32 word 0: replies sent so far (a worker adds 1 and notifies after each). */
  signal: SharedArrayBuffer;
  /** Float64 per slot: the running task's progress in [0, 1]. */
  progress: SharedArrayBuffer;
  index: number;
}

/** Workers that die before their first reply this many times mean the script itself is broken. */
const MAX_STARTUP_FAILURES = 3;

/** A fixed pool of worker threads fed from one queue; a worker that dies fails its task and is replaced. */
export class WorkerPool implements PointRunner {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private closed = false;
  private startupFailures = 0;
  private broken: Error | undefined;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly progress: Float64Array;
  /** `ahead`: the rank of run-ahead work (lower first); absent for a caller's own task. */
  private readonly syncQueue: { ticket: number; task: SimulationTask; ahead?: number }[] = [];
  private readonly syncDone = new Map<number, SyncReply>();
  /** Withdrawn tasks a worker was running: their replies are dropped on arrival, never kept. */
  private readonly withdrawnRunning = new Set<number>();
  private nextTicket = 0;
  /** Blocking-channel tasks the calling thread ran itself while it waited (`awaitSync`). */
  private ranHere = 0;
  /** The task this (calling) thread is running itself, and how far it is. */
  private here: { ticket: number; fraction: number } | undefined;

  constructor(
    readonly parallelism: number,
    /** Unreferenced workers do not keep the process alive (a pool shared by a whole command). */
    private readonly unref = false,
  ) {
    this.progress = new Float64Array(new SharedArrayBuffer(8 * parallelism));
    for (let i = 0; i < parallelism; i++) this.spawn(i);
  }

  /**
   * Queues a simulation task for the blocking channel and returns its ticket. The calling thread never
   * yields to its event loop while it waits (`awaitSync` sleeps on a shared word the workers notify), so
   * synchronous callers (runScenario, plan, calibrate) run tasks in parallel without becoming async.
   * `ahead`: run-ahead work of that rank (src/plan/runAhead.ts): a worker takes it only when no caller's
   * own task is queued, lower ranks first.
   */
  submitSync(task: SimulationTask, ahead?: number): number {
    if (this.broken) throw this.broken;
    if (this.closed) throw new RunnerClosedError();
    const ticket = this.nextTicket++;
    this.syncQueue.push({ ticket, task, ...(ahead !== undefined ? { ahead } : {}) });
    this.dispatchSync();
    return ticket;
  }

  /**
   * Blocks until the task behind `ticket` has finished; its value, or its error rethrown here. While it
   * waits, this thread runs queued tasks of `mine` itself (the caller's own batch), else any other queued
   * task someone will wait for, else run-ahead work of rank 0 (what the caller is about to need), so the
   * calling thread is one of the workers instead of idling; never other run-ahead work, which would hold
   * the caller up when its own tasks return first.
   */
  awaitSync(
    ticket: number,
    onWait?: (running: readonly number[]) => void,
    mine: readonly number[] = [ticket],
  ): unknown {
    for (;;) {
      this.receiveSync();
      const reply = this.syncDone.get(ticket);
      // Run-ahead work waits for the caller's next call: by then it may have been withdrawn.
      this.dispatchSync(!reply);
      if (reply) {
        this.syncDone.delete(ticket);
        if (!reply.ok) throw reviveFailure(reply.failure!);
        return reply.value;
      }
      if (this.runOneHere(mine, onWait)) continue;
      const seen = Atomics.load(this.signal, 0);
      this.drainSync();
      if (this.syncDone.has(ticket)) continue;
      // Wakes at least every 200 ms so a caller can show the running tasks' progress.
      Atomics.wait(this.signal, 0, seen, 200);
      onWait?.(this.runningProgress());
    }
  }

  /** Runs the first queued task of `mine` (else another own, else of rank 0) here; false when none is queued. */
  private runOneHere(mine: readonly number[], onWait?: (running: readonly number[]) => void): boolean {
    let at = this.syncQueue.findIndex((q) => mine.includes(q.ticket));
    if (at < 0) at = this.syncQueue.findIndex((q) => q.ahead === undefined);
    if (at < 0) at = this.syncQueue.findIndex((q) => q.ahead === 0);
    if (at < 0) return false;
    const [next] = this.syncQueue.splice(at, 1);
    const { ticket, task } = next!;
    let reply: SyncReply;
    try {
      const value = runTask(task, (f) => {
        // A worker that finished meanwhile gets its next task now, not when this one ends.
        this.drainSync();
        this.here = { ticket, fraction: f };
        onWait?.(this.runningProgress());
      });
      reply = { ticket, ok: true, value };
    } catch (error) {
      reply = { ticket, ok: false, failure: taskFailure(error) };
    }
    this.here = undefined;
    this.ranHere++;
    this.syncDone.set(ticket, reply);
    return true;
  }

  /** Lets go of the tasks behind `tickets` (run-ahead work no longer wanted): queued ones never run. */
  withdraw(tickets: readonly number[]): void {
    for (let i = this.syncQueue.length - 1; i >= 0; i--)
      if (tickets.includes(this.syncQueue[i]!.ticket)) this.syncQueue.splice(i, 1);
    for (const t of tickets) this.syncDone.delete(t);
    for (const slot of this.slots)
      if (slot.syncTicket !== undefined && tickets.includes(slot.syncTicket))
        this.withdrawnRunning.add(slot.syncTicket);
  }

  /**
   * Makes the queued tasks behind `tickets` run-ahead work of rank `ahead`, or (undefined) a caller's own.
   * Hands out nothing: the next submit or wait does, once every rank is set.
   */
  rerank(tickets: readonly number[], ahead?: number): void {
    for (const q of this.syncQueue) {
      if (!tickets.includes(q.ticket)) continue;
      if (ahead === undefined) delete q.ahead;
      else q.ahead = ahead;
    }
  }

  /** How many blocking-channel tasks the calling thread has run itself so far. */
  get tasksRunHere(): number {
    return this.ranHere;
  }

  /** Replies held for a caller to take: a withdrawn task's never stay (each may hold a replication's series). */
  get repliesHeld(): number {
    return this.syncDone.size;
  }

  /** True when the task behind `ticket` has replied and its reply was not yet taken by `awaitSync`. */
  hasReply(ticket: number): boolean {
    return this.syncDone.has(ticket);
  }

  /** Progress in [0, 1] of each task now running on the blocking channel, by ticket order. */
  private runningProgress(): number[] {
    const out: number[] = [];
    if (this.here) out[this.here.ticket] = this.here.fraction;
    for (const slot of this.slots)
      if (slot.syncTicket !== undefined) out[slot.syncTicket] = this.progress[slot.index]!;
    return out;
  }

  /** Takes every reply waiting on the slots' channels and hands idle slots the next queued tasks. */
  private drainSync(): void {
    this.receiveSync();
    this.dispatchSync();
  }

  /** Takes every reply waiting on the slots' channels. */
  private receiveSync(): void {
    for (const slot of this.slots) {
      for (let m = receiveMessageOnPort(slot.syncPort); m; m = receiveMessageOnPort(slot.syncPort)) {
        const reply = m.message as SyncReply;
        if (!this.withdrawnRunning.delete(reply.ticket)) this.syncDone.set(reply.ticket, reply);
        if (slot.syncTicket === reply.ticket) slot.syncTicket = undefined;
        slot.replies++;
      }
    }
  }

  /** Hands idle slots the next queued tasks: callers' own first, then (`ahead`) run-ahead work by rank. */
  private dispatchSync(ahead = true): void {
    for (const slot of this.slots) {
      if (slot.job || slot.syncTicket !== undefined) continue;
      const at = this.nextQueued(ahead);
      if (at < 0) return;
      const next = this.syncQueue.splice(at, 1)[0]!;
      slot.syncTicket = next.ticket;
      this.progress[slot.index] = 0;
      slot.worker.postMessage({ kind: "sync", ticket: next.ticket, task: next.task });
    }
  }

  /** The queue index of the first own task, else (`ahead`) of the first of the lowest rank; -1 if none. */
  private nextQueued(ahead: boolean): number {
    const own = this.syncQueue.findIndex((q) => q.ahead === undefined);
    if (own >= 0 || !ahead) return own;
    let at = -1;
    this.syncQueue.forEach((q, i) => {
      if (at < 0 || q.ahead! < this.syncQueue[at]!.ahead!) at = i;
    });
    return at;
  }

  run(task: PointTask): Promise<PointOutcome> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new RunnerClosedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new RunnerClosedError());
    const slots = [...this.slots];
    for (const slot of slots) {
      slot.job?.reject(new RunnerClosedError());
      slot.job = undefined;
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(index: number): void {
    const channel = new MessageChannel();
    const init: WorkerInit = {
      syncPort: channel.port2,
      signal: this.signal.buffer as SharedArrayBuffer,
      progress: this.progress.buffer as SharedArrayBuffer,
      index,
    };
    const worker = new Worker(WORKER_SCRIPT, { workerData: init, transferList: [channel.port2] });
    const slot: Slot = { worker, replies: 0, syncPort: channel.port1, index };
    slot.worker.on("message", (reply: WorkerReply) => {
      slot.replies++;
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        if (reply.ok) job.resolve(reply.outcome);
        else job.reject(new Error(reply.message));
      }
      this.dispatch();
    });
    slot.worker.on("error", (error) => {
      slot.lastError = error;
    });
    slot.worker.on("exit", (code) => {
      this.slots.delete(slot);
      if (this.closed) return;
      const job = slot.job;
      slot.job = undefined;
      const cause = slot.lastError
        ? `${slot.lastError.name}: ${slot.lastError.message}`
        : `exit code ${code}`;
      const died = new Error(`worker thread died (${cause})`);
      job?.reject(died);
      if (slot.syncTicket !== undefined && !this.withdrawnRunning.delete(slot.syncTicket)) {
        this.syncDone.set(slot.syncTicket, {
          ticket: slot.syncTicket,
          ok: false,
          failure: taskFailure(died),
        });
      }
      if (slot.replies === 0 && ++this.startupFailures >= MAX_STARTUP_FAILURES) {
        // Respawning would fail the same way: fail what is queued instead of looping.
        this.broken = died;
        for (const queued of this.queue.splice(0)) queued.reject(died);
        for (const queued of this.syncQueue.splice(0))
          this.syncDone.set(queued.ticket, { ticket: queued.ticket, ok: false, failure: taskFailure(died) });
        return;
      }
      this.spawn(slot.index);
      this.dispatch();
    });
    // After the listeners: attaching a message listener references the worker again.
    if (this.unref) worker.unref();
    this.slots.add(slot);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job || slot.syncTicket !== undefined) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.task);
    }
  }
}
