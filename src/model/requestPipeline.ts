import type { Distribution, Rng } from "../engine/random/index.js";
import type { ActionId, Simulation } from "../engine/simulation.js";
import { backoffSeconds, type ClientPolicy } from "./clientPolicy.js";
import { DeadlineQueue } from "./deadlineQueue.js";
import { CODERD_CPU, RequestPlans } from "./requestPlans.js";

/**
 * Executes requests as fixed plans of steps (coderd CPU, then database queries, ...) over the
 * deployment's resources. Every in-flight request is a row in typed arrays and resources report back by
 * tag, so a request costs no allocation: the plan is the only place a request class is described.
 */

/** One step of a request plan. */
export type Step =
  | { kind: "coderdCpu"; work: Distribution }
  /**
   * `statements` queries of one kind on a pooled connection. Consecutive query steps hold one connection
   * (database/sql hands the same idle connection straight back) and their database work runs as ONE
   * processor-sharing job: under PS a job's expected response is proportional to its size, so the sum
   * behaves like the sequence (and costs one event instead of several). A NOTIFY among them takes the
   * notify-queue lock at commit; the connection is released one round trip per statement later.
   */
  | {
      kind: "query";
      work: Distribution;
      statements: number;
      logged: boolean;
      notify: boolean;
      /** The NOTIFY commits with this step's logged write (a trigger): the lock is held across the WAL flush. */
      notifyFlushes?: boolean;
      /**
       * Transactions its statements commit (pg_stat_database.xact_commit): absent, one per statement, as
       * database/sql autocommits each query outside a Tx; 1 for statements run in one transaction (InTx).
       */
      commits?: number;
      perRowSeconds?: number;
    };

/** coderd's chi route of an HTTP request: the `method` and `path` labels of its metrics. */
export interface Route {
  method: string;
  path: string;
}

/** A request class: its steps and what to count when it finishes. */
export interface RequestClass {
  name: string;
  steps: readonly Step[];
  /** Counted in coderd's HTTP request metrics (RPS, API latency). */
  http: boolean;
  /** Counted as an agent API call (agent API latency). */
  agentApi: boolean;
  /** coderd's route for it (HTTP requests; agent calls keep theirs when they travel over dRPC). */
  route?: Route;
  /** Its row in the database-CPU-by-source table (default `name`; classes sharing a name add up). */
  databaseSource?: string;
  /** HTTP status it answers with when not cut by a failure (default "200"). */
  code?: string;
  /** Its client's timeout and retries (absent: the client waits however long coderd takes). */
  client?: ClientPolicy;
}

/** What the pipeline needs of a CPU (processor sharing) resource. */
export interface CpuPort {
  submit(workSeconds: number, tag: number): void;
  /** Withdraws a job whose client gave up (PostgreSQL cancelling a query): its unserved work, -1 if not running. */
  withdraw?(tag: number): number;
  /** Visits every job present with the work it still needs (a pure read; for CPU attribution). */
  forEachJob?(visit: (tag: number, remainingSeconds: number) => void): void;
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
  /** A commit's WAL flush, added to the hold of a NOTIFY that commits with a logged write (absent: none). */
  commitFlush?: Distribution;
  dbRttSeconds: number;
  clientRttSeconds: number;
  /**
   * The random stream a request class draws its work from. Each class has its own and draws all of a
   * request's work when the request starts, so a parameter change that reorders events does not
   * reshuffle other classes' draws (common random numbers across what-ifs and calibration runs).
   */
  streamFor: (name: string) => Rng;
}

/** Most steps a request plan may have (work for each is drawn when the request starts). */
const MAX_STEPS = 8;

/**
 * Told when a request finishes, with its end-to-end latency (server time plus client round trip). `failed`
 * marks a request cut by a failure (its replica died, or its query ran when the database failed over).
 */
export type RequestListener = (
  classId: number,
  replica: number,
  latencySeconds: number,
  owner: number,
  failed: boolean,
) => void;

/**
 * What a request class does when one of its requests finishes (failed or not), with the owner it was
 * started for (an agent, a user, a workspace build: the class's handler knows which).
 */
export type CompletionHandler = (owner: number, replica: number) => void;

/**
 * Told when a connection hold's queries commit (to count commits): the transactions, how many of its
 * steps' commits are WAL-logged, how many NOTIFY.
 */
export type CommitListener = (transactions: number, loggedCommits: number, notifies: number) => void;

const NO_OWNER = -1;

export class RequestPipeline {
  private readonly classes: RequestClass[] = [];
  private readonly handlers: (CompletionHandler | undefined)[] = [];
  private readonly gaveUpHandlers: (CompletionHandler | undefined)[] = [];
  private readonly plans = new RequestPlans(MAX_STEPS);
  private readonly streams: Rng[] = [];
  /** Work of each step, drawn at request start: request id × MAX_STEPS + step. */
  private work = new Float64Array(256 * MAX_STEPS);
  /** How long the request's NOTIFY holds the notify-queue lock, drawn at request start. */
  private notifyHold = new Float64Array(256);
  private cls = new Int32Array(256);
  private step = new Int32Array(256);
  private replica = new Int32Array(256);
  private owner = new Float64Array(256);
  private start = new Float64Array(256);
  /** Pool connection held by the request's current query. */
  private unit = new Int32Array(256);
  /** Round trip beyond the model's client RTT (a client in another region), seconds. */
  private extraRtt = new Float64Array(256);
  /** 1 while the request is in flight, 2 while its query runs on the database. */
  private state = new Uint8Array(256);
  /** 1 when a failure cut the request. */
  private failed = new Uint8Array(256);
  /** 1 once its client gave up: coderd stops at its next cancellation point (context cancelled). */
  private abandoned = new Uint8Array(256);
  /** Retries already made for the client's call (0 for a first attempt). */
  private attempt = new Uint8Array(256);
  /** A number unique to each request started, so a deadline never hits a reused row. */
  private serial = new Float64Array(256);
  private serials = 0;
  /** Client deadlines per class with a client policy (classes without one have none). */
  private readonly deadlines: (DeadlineQueue | undefined)[] = [];
  /** Per class: client timeouts, retries sent, calls given up, calls answered in time. */
  private readonly overload = {
    timedOut: [] as number[],
    retried: [] as number[],
    gaveUp: [] as number[],
    answered: [] as number[],
  };
  /** Requests whose connection was granted while the database was paused, in order. */
  private heldForDatabase: number[] = [];
  private databasePaused = false;
  private free: number[] = [];
  private nextFresh = 0;
  /** Database work submitted per class since the start, less the unserved rest of cancelled queries. */
  private dbWorkByClass = new Float64Array(16);
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
    this.handlers.push(undefined);
    this.gaveUpHandlers.push(undefined);
    if (cls.steps.length > MAX_STEPS) throw new RangeError(`${cls.name}: more than ${MAX_STEPS} steps`);
    this.plans.add(cls.steps, this.res.dbRttSeconds, (seconds) => this.sim.fixedDelay(seconds));
    this.streams.push(this.res.streamFor(`work/${cls.name}`));
    const classId = this.classes.length - 1;
    if (classId === this.dbWorkByClass.length)
      this.dbWorkByClass = growFloat(this.dbWorkByClass, 2 * classId);
    this.deadlines.push(cls.client && this.deadlineQueue(cls));
    for (const counts of Object.values(this.overload)) counts.push(0);
    return classId;
  }

  /** Sets what class `classId`'s client does when it gives up on a call (before the finish handler hears it). */
  onGaveUp(classId: number, handler: CompletionHandler): void {
    if (this.gaveUpHandlers[classId] !== undefined)
      throw new Error(`${this.classes[classId]!.name}: give-up handler already set`);
    this.gaveUpHandlers[classId] = handler;
  }

  /** Sets what class `classId` does when a request finishes (one handler per class). */
  onDone(classId: number, handler: CompletionHandler): void {
    if (this.handlers[classId] !== undefined)
      throw new Error(`${this.classes[classId]!.name}: handler already set`);
    this.handlers[classId] = handler;
  }

  /** The class registered as `classId`. */
  classAt(classId: number): RequestClass {
    return this.classes[classId]!;
  }

  /** Classes registered so far, by id. */
  get definedClasses(): readonly RequestClass[] {
    return this.classes;
  }

  /**
   * Starts a request of class `classId` on a coderd replica; `owner` is passed back on completion.
   * `extraRttSeconds` is added to the latency the client sees (a client far from coderd).
   */
  startRequest(classId: number, replica: number, owner = NO_OWNER, rows = 0, extraRttSeconds = 0): void {
    this.startAttempt(classId, replica, owner, rows, extraRttSeconds, 0);
  }

  private startAttempt(
    classId: number,
    replica: number,
    owner: number,
    rows: number,
    extraRttSeconds: number,
    attempt: number,
  ): void {
    const id = this.allocate();
    this.abandoned[id] = 0;
    this.attempt[id] = Math.min(attempt, 255);
    this.serial[id] = ++this.serials;
    this.extraRtt[id] = extraRttSeconds;
    this.state[id] = 1;
    this.failed[id] = 0;
    this.cls[id] = classId;
    this.step[id] = 0;
    this.replica[id] = replica;
    this.owner[id] = owner;
    this.start[id] = this.sim.now;
    this.drawWork(id, classId, rows);
    const deadlines = this.deadlines[classId];
    if (deadlines) deadlines.watch(id, this.serials);
    this.runStep(id);
  }

  private drawWork(id: number, classId: number, rows: number): void {
    const plans = this.plans;
    const rng = this.streams[classId]!;
    const base = id * MAX_STEPS;
    const row0 = classId * MAX_STEPS;
    const steps = plans.stepCount[classId]!;
    let notifies = false;
    let flushes = false;
    for (let i = 0; i < steps; i++) {
      const row = row0 + i;
      if (plans.kind[row] === CODERD_CPU) {
        this.work[base + i] = plans.work[row]!.sample(rng);
        continue;
      }
      const holdSteps = plans.holdSteps[row]!;
      if (holdSteps === 0) continue;
      notifies ||= plans.holdNotifies[row]! > 0;
      flushes ||= plans.holdFlushes[row] === 1;
      if (plans.holdIsFixed[row] === 1) {
        this.work[base + i] = plans.holdFixedWork[row]!;
        continue;
      }
      // A connection hold's queries run as one database job: draw the sum now.
      let work = 0;
      for (let k = row; k < row + holdSteps; k++) {
        if (plans.hasPerRow[k] === 1) work += plans.perRowSeconds[k]! * rows;
        const statements = plans.statements[k]!;
        const dist = plans.work[k]!;
        for (let n = 0; n < statements; n++) work += dist.sample(rng);
      }
      this.work[base + i] = work;
    }
    const flush = flushes ? this.res.commitFlush : undefined;
    this.notifyHold[id] = notifies ? this.res.notifyHold.sample(rng) + (flush ? flush.sample(rng) : 0) : 0;
  }

  /** Resource callbacks: a coderd or database CPU job finished. */
  cpuDone(id: number): void {
    const row = this.currentRow(id);
    if (this.plans.kind[row] === CODERD_CPU) {
      this.advance(id);
      return;
    }
    // NOTIFY serialises commits on PostgreSQL's global notify-queue lock.
    if (this.plans.holdNotifies[row]! > 0) this.res.notifyLock.submit(this.notifyHold[id]!, id);
    else this.committed(id);
  }

  /** Resource callback: the notify lock was held and released. */
  lockDone(id: number): void {
    this.committed(id);
  }

  /** Marks every request in flight on a replica as failed (the replica died); returns how many. */
  failRequestsOn(replica: number): number {
    let n = 0;
    for (let id = 0; id < this.nextFresh; id++) {
      if (this.state[id] !== 0 && this.replica[id] === replica && this.failed[id] === 0) {
        this.failed[id] = 1;
        n++;
      }
    }
    return n;
  }

  /**
   * A database failover: queries running now fail (counted, returned), and from now on a granted
   * connection waits with its queries until `resumeDatabase` (the pools fill meanwhile).
   */
  pauseDatabase(): number {
    let n = 0;
    for (let id = 0; id < this.nextFresh; id++) {
      if (this.state[id] === 2 && this.failed[id] === 0) {
        this.failed[id] = 1;
        n++;
      }
    }
    this.databasePaused = true;
    return n;
  }

  /** The new primary serves: the held queries start, in the order their connections were granted. */
  resumeDatabase(): void {
    this.databasePaused = false;
    const held = this.heldForDatabase;
    this.heldForDatabase = [];
    for (const id of held) this.submitDatabaseJob(id);
  }

  /** Requests waiting for the database to come back. */
  get heldForDatabaseCount(): number {
    return this.heldForDatabase.length;
  }

  /** Resource callback: a pool connection was granted; the hold's queries run as one database job. */
  connectionGranted(id: number, unit: number): void {
    this.unit[id] = unit;
    // database/sql drops a waiter whose context ended; the connection goes straight to the next one.
    if (this.abandoned[id] === 1) {
      this.res.pools[this.replica[id]!]!.release(unit);
      this.cutShort(id);
      return;
    }
    if (this.databasePaused) {
      this.heldForDatabase.push(id);
      return;
    }
    this.submitDatabaseJob(id);
  }

  private submitDatabaseJob(id: number): void {
    if (this.abandoned[id] === 1) {
      this.res.pools[this.replica[id]!]!.release(this.unit[id]!);
      this.cutShort(id);
      return;
    }
    this.state[id] = 2;
    const work = this.work[id * MAX_STEPS + this.step[id]!]!;
    this.dbWorkByClass[this.cls[id]!]! += work;
    this.res.dbCpu.submit(work, id);
  }

  private committed(id: number): void {
    this.state[id] = 1;
    const plans = this.plans;
    const first = this.step[id]!;
    const row = this.currentRow(id);
    this.onCommit(plans.holdCommits[row]!, plans.holdLogged[row]!, plans.holdNotifies[row]!);
    this.step[id] = first + plans.holdSteps[row]! - 1;
    // The connection stays held for the network round trips of the replies.
    this.sim.postFixed(plans.holdRoundTrip[row]!, this.releaseAction, id);
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
    const classId = this.cls[id]!;
    const index = this.step[id]!;
    if (index >= this.plans.stepCount[classId]!) {
      this.finish(id);
      return;
    }
    // A handler whose client left stops at its next call that takes the request's context.
    if (this.abandoned[id] === 1) {
      this.cutShort(id);
      return;
    }
    if (this.plans.kind[classId * MAX_STEPS + index] === CODERD_CPU)
      this.res.coderdCpu[this.replica[id]!]!.submit(this.work[id * MAX_STEPS + index]!, id);
    else this.res.pools[this.replica[id]!]!.acquire(id);
  }

  private finish(id: number): void {
    const classId = this.cls[id]!;
    const latency = this.sim.now - this.start[id]! + this.res.clientRttSeconds + this.extraRtt[id]!;
    const replica = this.replica[id]!;
    const owner = this.owner[id]!;
    const failed = this.failed[id] === 1 || this.abandoned[id] === 1;
    const clientWaits = this.abandoned[id] === 0;
    this.state[id] = 0;
    this.free.push(id);
    this.onRequestDone(classId, replica, latency, owner, failed);
    // A client that gave up was told at its deadline (it retried or went on); it hears nothing now.
    if (!clientWaits) return;
    if (this.deadlines[classId] && !failed) this.overload.answered[classId]!++;
    this.handlers[classId]?.(owner, replica);
  }

  /** Ends a request whose client left, at a cancellation point: coderd answers 500 to nobody. */
  private cutShort(id: number): void {
    this.failed[id] = 1;
    this.finish(id);
  }

  private deadlineQueue(cls: RequestClass): DeadlineQueue {
    if (cls.steps.some((s) => s.kind === "query" && s.perRowSeconds !== undefined))
      throw new RangeError(`${cls.name}: a class with per-row work takes no client timeout`);
    return new DeadlineQueue(
      this.sim,
      cls.client!.timeoutSeconds,
      (id, serial) => this.serial[id] === serial && this.state[id] !== 0 && this.abandoned[id] === 0,
      (id) => this.timeOut(id),
    );
  }

  /**
   * The client's deadline passed: it gives up on this attempt and retries after its backoff, or goes on
   * without an answer. coderd's work so far stays spent; a query running on the database is cancelled
   * (lib/pq sends a CancelRequest when the context ends) and its connection returns to the pool.
   */
  private timeOut(id: number): void {
    const classId = this.cls[id]!;
    const policy = this.classes[classId]!.client!;
    this.overload.timedOut[classId]!++;
    this.abandoned[id] = 1;
    const replica = this.replica[id]!;
    const owner = this.owner[id]!;
    const extraRtt = this.extraRtt[id]!;
    const retry = this.attempt[id]! + 1;
    const unserved = this.state[id] === 2 ? (this.res.dbCpu.withdraw?.(id) ?? -1) : -1;
    if (unserved >= 0) {
      this.dbWorkByClass[classId]! -= unserved;
      this.state[id] = 1;
      this.res.pools[replica]!.release(this.unit[id]!);
      this.cutShort(id);
    }
    const again = policy.retry;
    if (again && retry <= again.retries) {
      this.overload.retried[classId]!++;
      this.sim.after(backoffSeconds(again, retry), () =>
        this.startAttempt(classId, replica, owner, 0, extraRtt, retry),
      );
      return;
    }
    this.overload.gaveUp[classId]!++;
    this.gaveUpHandlers[classId]?.(owner, replica);
    this.handlers[classId]?.(owner, replica);
  }

  /**
   * Client-side overload counts over the run, summed over classes with a client policy (empty when no
   * class has one, so runs without timeouts report what they always did).
   */
  overloadFigures(): Record<string, number> {
    if (!this.deadlines.some((d) => d !== undefined)) return {};
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    return {
      client_timeouts: sum(this.overload.timedOut),
      client_retries: sum(this.overload.retried),
      client_gave_up: sum(this.overload.gaveUp),
      client_answered: sum(this.overload.answered),
    };
  }

  /**
   * Database CPU-seconds each class's queries have had since the start, into `out` (indexed by class id):
   * the work submitted less what the queries running now still need. A pure read.
   */
  databaseCpuByClass(out: Float64Array): void {
    out.fill(0);
    out.set(this.dbWorkByClass.subarray(0, Math.min(out.length, this.dbWorkByClass.length)));
    this.res.dbCpu.forEachJob?.((id, remaining) => {
      out[this.cls[id]!]! -= remaining;
    });
  }

  /** The plan row of the request's current step. */
  private currentRow(id: number): number {
    return this.cls[id]! * MAX_STEPS + this.step[id]!;
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
    this.unit = growInt(this.unit, n);
    this.extraRtt = growFloat(this.extraRtt, n);
    this.state = growBytes(this.state, n);
    this.failed = growBytes(this.failed, n);
    this.abandoned = growBytes(this.abandoned, n);
    this.attempt = growBytes(this.attempt, n);
    this.serial = growFloat(this.serial, n);
    this.notifyHold = growFloat(this.notifyHold, n);
    this.work = growFloat(this.work, n * MAX_STEPS);
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
function growBytes(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
