import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { evaluatePoint, type PointOutcome, type PointTask } from "./evaluate.js";

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

  constructor(readonly parallelism: number) {
    for (let i = 0; i < parallelism; i++) this.spawn();
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

  private spawn(): void {
    const slot: Slot = { worker: new Worker(WORKER_SCRIPT), replies: 0 };
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
      if (slot.replies === 0 && ++this.startupFailures >= MAX_STARTUP_FAILURES) {
        // Respawning would fail the same way: fail what is queued instead of looping.
        this.broken = died;
        for (const queued of this.queue.splice(0)) queued.reject(died);
        return;
      }
      this.spawn();
      this.dispatch();
    });
    this.slots.add(slot);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.task);
    }
  }
}
