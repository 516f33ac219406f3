import type { Distribution } from "../engine/random/index.js";
import type { Rng } from "../engine/random/index.js";
import type { ActionId, Simulation } from "../engine/simulation.js";

/**
 * Executes requests as fixed plans of steps (coderd CPU, then database queries, ...) over the
 * deployment's resources. Every in-flight request is a row in typed arrays and resources report back by
 * tag, so a request costs no allocation: the plan is the only place a request class is described.
 */

/** One step of a request plan. */
export type Step =
  | { kind: "coderdCpu"; work: Distribution }
  /** A query on the replica's connection pool: hold a connection, run on the database CPU, RTT, release. */
  | { kind: "query"; work: Distribution; logged: boolean; notify: boolean; perRowSeconds?: number };

/** A request class: its steps and what to count when it finishes. */
export interface RequestClass {
  name: string;
  steps: readonly Step[];
  /** Counted in coderd's HTTP request metrics (RPS, API latency). */
  http: boolean;
  /** Counted as an agent API call (agent API latency). */
  agentApi: boolean;
}

/** What the pipeline needs of a CPU (processor sharing) resource. */
export interface CpuPort {
  submit(workSeconds: number, tag: number): void;
}
/** What the pipeline needs of a connection pool. */
export interface PoolPort {
  acquire(tag: number): void;
  release(unit: number): void;
}
/** What the pipeline needs of the notify-lock queue. */
export interface LockPort {
  submit(holdSeconds: number, tag: number): boolean;
}

export interface PipelineResources {
  coderdCpu: readonly CpuPort[];
  pools: readonly PoolPort[];
  dbCpu: CpuPort;
  notifyLock: LockPort;
  notifyHold: Distribution;
  dbRttSeconds: number;
  clientRttSeconds: number;
  rng: Rng;
}

/** Told when a request finishes, with its end-to-end latency (server time plus client round trip). */
export type RequestListener = (cls: RequestClass, replica: number, latencySeconds: number, owner: number) => void;

/** Told when a query commits (to count WAL-producing commits). */
export type CommitListener = (logged: boolean, notify: boolean) => void;

const NO_OWNER = -1;

export class RequestPipeline {
  private readonly classes: RequestClass[] = [];
  private cls = new Int32Array(256);
  private step = new Int32Array(256);
  private replica = new Int32Array(256);
  private owner = new Float64Array(256);
  private start = new Float64Array(256);
  /** Rows carried by a batched request (scales `perRowSeconds` steps). */
  private rows = new Float64Array(256);
  /** Pool connection held by the request's current query. */
  private unit = new Int32Array(256);
  private free: number[] = [];
  private nextFresh = 0;
  private inFlight = 0;
  private readonly releaseAction: ActionId;
  private readonly onRequestDone: RequestListener;
  private readonly onCommit: CommitListener;

  constructor(
    private readonly sim: Simulation,
    private readonly res: PipelineResources,
    listeners: { onRequestDone: RequestListener; onCommit: CommitListener },
  ) {
    this.onRequestDone = listeners.onRequestDone;
    this.onCommit = listeners.onCommit;
    this.releaseAction = sim.register((id) => this.afterRoundTrip(id));
  }

  /** Registers a request class; returns its id. */
  define(cls: RequestClass): number {
    this.classes.push(cls);
    return this.classes.length - 1;
  }

  classOf(id: number): RequestClass {
    return this.classes[id]!;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Starts a request of class `classId` on a coderd replica; `owner` is passed back on completion. */
  startRequest(classId: number, replica: number, owner = NO_OWNER, rows = 0): void {
    const id = this.allocate();
    this.rows[id] = rows;
    this.cls[id] = classId;
    this.step[id] = 0;
    this.replica[id] = replica;
    this.owner[id] = owner;
    this.start[id] = this.sim.now;
    this.inFlight++;
    this.runStep(id);
  }

  /** Resource callbacks: a coderd or database CPU job finished. */
  cpuDone(id: number): void {
    const step = this.currentStep(id);
    if (step.kind === "query") {
      if (step.notify) {
        // NOTIFY serialises commits on PostgreSQL's global notify-queue lock.
        this.res.notifyLock.submit(this.res.notifyHold.sample(this.res.rng), id);
        return;
      }
      this.commit(id, step);
      return;
    }
    this.advance(id);
  }

  /** Resource callback: the notify lock was held and released. */
  lockDone(id: number): void {
    this.commit(id, this.currentStep(id) as Extract<Step, { kind: "query" }>);
  }

  /** Resource callback: a pool connection was granted. */
  connectionGranted(id: number, unit: number): void {
    this.unit[id] = unit;
    const step = this.currentStep(id) as Extract<Step, { kind: "query" }>;
    const perRow = step.perRowSeconds === undefined ? 0 : step.perRowSeconds * this.rows[id]!;
    this.res.dbCpu.submit(step.work.sample(this.res.rng) + perRow, id);
  }

  private commit(id: number, step: Extract<Step, { kind: "query" }>): void {
    this.onCommit(step.logged, step.notify);
    // The connection stays held for the network round trip of the reply.
    this.sim.schedule(this.res.dbRttSeconds, this.releaseAction, id);
  }

  private afterRoundTrip(id: number): void {
    this.res.pools[this.replica[id]!]!.release(this.unit[id]!);
    this.advance(id);
  }

  private advance(id: number): void {
    this.step[id]!++;
    this.runStep(id);
  }

  private runStep(id: number): void {
    const cls = this.classes[this.cls[id]!]!;
    const index = this.step[id]!;
    if (index >= cls.steps.length) {
      this.finish(id, cls);
      return;
    }
    const step = cls.steps[index]!;
    if (step.kind === "coderdCpu") this.res.coderdCpu[this.replica[id]!]!.submit(step.work.sample(this.res.rng), id);
    else this.res.pools[this.replica[id]!]!.acquire(id);
  }

  private finish(id: number, cls: RequestClass): void {
    const latency = this.sim.now - this.start[id]! + this.res.clientRttSeconds;
    const replica = this.replica[id]!;
    const owner = this.owner[id]!;
    this.free.push(id);
    this.inFlight--;
    this.onRequestDone(cls, replica, latency, owner);
  }

  private currentStep(id: number): Step {
    return this.classes[this.cls[id]!]!.steps[this.step[id]!]!;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.nextFresh === this.cls.length) this.grow();
    return this.nextFresh++;
  }

  private grow(): void {
    const n = this.cls.length * 2;
    this.cls = growInt(this.cls, n);
    this.step = growInt(this.step, n);
    this.replica = growInt(this.replica, n);
    this.owner = growFloat(this.owner, n);
    this.start = growFloat(this.start, n);
    this.rows = growFloat(this.rows, n);
    this.unit = growInt(this.unit, n);
  }
}

function growInt(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growFloat(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
