import type { Distribution, Rng } from "../engine/random/index.js";
import type { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import type { Simulation } from "../engine/simulation.js";
import type { AgentFleet } from "./agentFleet.js";
import { emptyAcquires, queuePositionPairs } from "./buildWork.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { RequestPipeline } from "./requestPipeline.js";

export interface WorkspaceRunnerOptions {
  createConcurrency: number;
  /** What frees a create slot: the agent connecting, the build finishing, or the create request returning. */
  waitFor: CreateWait;
  cleanupConcurrency: number;
  /** Duration of a workspace's start build, and of its stop or delete build (its template's). */
  buildDuration: (workspace: number) => Distribution;
  deleteDuration: (workspace: number) => Distribution;
  connectDelay: Distribution;
  updateIntervalSeconds: number;
  /** UpdateJob calls per second of a running build; absent: one per update interval. */
  updateCallsPerBuildSecond?: number;
  classes: { workspaceCreate: number; jobEvent: number };
  /** CompleteJob's class for a start build and for a stop or delete build. */
  completeClasses: { start: number; stop: number };
  /** A started agent's start-up calls, and the Acquirer's empty acquires per job posting (absent: not modelled). */
  agentStartupClass?: number;
  acquireEmptyClass?: number;
  /** Build requests' responses rank pending jobs × daemons (their class takes the pairs as rows). */
  queuePositionRows?: boolean;
  /** Pod placement on workspace nodes; absent = pods run at once. */
  pods?: PodPlacement;
  /** Built-in daemons' share of all daemons, and their terraform CPU per busy daemon (runs on coderd). */
  builtinShare: number;
  builtinBuildingVcpu: number;
}

/** Whom the runner tells, all known when it is built (later parts through hooks). */
export interface RunnerListeners {
  /**
   * Each job's provisioner queue wait, with the time the job started, whether prepare asked for it, and
   * whether it is a delete (prepare's build figures count all its builds, however long prepare ran past its plan).
   */
  queueWait(waitSeconds: number, startedAtSeconds: number, forPrepare: boolean, isDelete: boolean): void;
  /** Each prepare workspace's time from create request to connected agent. */
  workspaceReady(seconds: number): void;
  /** A workday start is ready (agent connected), with the time since it was due. */
  workdayReady(workspace: number, seconds: number): void;
  /** A workday stop build finished (the workspace is stopped and may start again). */
  workdayStopped(workspace: number): void;
  /** Where the fleet tells of agents connecting (the runner waits for them). */
  agentConnected: { connect(listener: (agent: number) => void): void };
}

/** The load generator's wait per create (scenario `workload.builds.wait_for`). */
export type CreateWait = "agent" | "build" | "response";

/** Tags and owners carry (workspace, transition) in one number. */
const DELETE = 1;

/** Why a workspace is being started: the runner's prepare, or a user's (or autostart's) start in a workday. */
const BY_PREPARE = 1;
const BY_WORKDAY = 2;

/** A stage's builds from its first build request to its last workspace done; `pending` still to finish. */
export interface BuildSpan {
  firstRequestSeconds: number;
  lastDoneSeconds: number;
  pending: number;
}

/** First build request to last workspace done (ready, or deleted), seconds; NaN until every build finished. */
export function makespanSeconds(span: BuildSpan): number {
  return span.pending === 0 ? span.lastDoneSeconds - span.firstRequestSeconds : Number.NaN;
}

const emptySpan = (): BuildSpan => ({
  firstRequestSeconds: Number.NaN,
  lastDoneSeconds: Number.NaN,
  pending: 0,
});

/** Where a started workspace's pod runs: placed at once unless a node pool decides (workspace_nodes). */
export interface PodPlacement {
  /** The pod was created; `onRunning` when it is bound to a node. */
  place(workspace: number, onRunning: () => void): void;
  /** The pod is gone (stop or delete build done). */
  release(workspace: number): void;
}

/**
 * The scale-test runner's create and cleanup phases: workspace build requests to coderd at a bounded
 * concurrency, jobs queued FIFO for the provisioner daemons (one job per daemon), and agents connecting
 * when a start build completes. A create slot is freed when the agent connects (create-workspaces waits for
 * it), when the build finishes, or when the create request returns (`waitFor`); prepare ends with the agents.
 */
export class WorkspaceRunner {
  private nextToCreate = 0;
  private createsInFlight = 0;
  /** Build requests (creates, deletes, workday starts and stops) coderd has not yet answered. */
  private requestsInFlight = 0;
  private targetWorkspaces = 0;
  private deleteQueue: number[] = [];
  private deletesInFlight = 0;
  private readonly requestedAt: Float64Array;
  /** Who asked for the start a workspace is waiting on (BY_PREPARE, BY_WORKDAY), 0 for none. */
  private readonly startedBy: Uint8Array;
  /** 1 while a workday stop build of the workspace runs. */
  private readonly stopping: Uint8Array;
  /** Prepare's creates (done = agent connected) and cleanup's deletes (done = delete build finished). */
  readonly prepareBuilds: BuildSpan = emptySpan();
  readonly cleanupBuilds: BuildSpan = emptySpan();
  private readonly pods: PodPlacement | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly pipeline: RequestPipeline,
    private readonly provisioners: FcfsQueue,
    private readonly fleet: AgentFleet,
    private readonly rng: Rng,
    private readonly opts: WorkspaceRunnerOptions,
    workspaces: number,
    private readonly tell: RunnerListeners,
  ) {
    this.pods = opts.pods;
    this.requestedAt = new Float64Array(workspaces);
    this.startedBy = new Uint8Array(workspaces);
    this.stopping = new Uint8Array(workspaces);
    provisioners.onComplete((tag, response, wait) => this.jobDone(tag, response, wait));
    tell.agentConnected.connect((agent) => this.agentConnected(agent));
  }

  /** Starts creating workspaces 0..count−1. */
  startPrepare(count: number): void {
    this.targetWorkspaces = Math.min(count, this.requestedAt.length);
    this.prepareBuilds.pending = this.targetWorkspaces - this.nextToCreate;
    this.pumpCreates();
  }

  /** Deletes every workspace created so far. */
  startCleanup(): void {
    this.deleteQueue = [];
    for (let w = this.nextToCreate - 1; w >= 0; w--) this.deleteQueue.push(w);
    this.cleanupBuilds.pending = this.deleteQueue.length;
    this.pumpDeletes();
  }

  /** Pipeline callback: a build request (create or delete) returned; the job is now queued. */
  buildRequestDone(owner: number): void {
    const isDelete = owner % 2 === DELETE;
    const workspace = Math.floor(owner / 2);
    const duration = (isDelete ? this.opts.deleteDuration : this.opts.buildDuration)(workspace).sample(
      this.rng,
    );
    this.requestsInFlight--;
    this.postJob();
    this.provisioners.submit(duration, owner);
    this.refreshJobUpdates();
    if (!isDelete && this.opts.waitFor === "response") this.prepareSlotFreed(workspace);
  }

  /** A prepare create's slot is free (what frees it is `waitFor`): the next create may go. */
  private prepareSlotFreed(workspace: number): void {
    if (this.startedBy[workspace] !== BY_PREPARE) return;
    this.createsInFlight--;
    this.pumpCreates();
  }

  /** A build request goes to coderd: counted until it returns (its job is pending by the response). */
  private sendBuildRequest(owner: number): void {
    const rows = this.queueRows();
    this.requestsInFlight++;
    this.pipeline.startRequest(this.opts.classes.workspaceCreate, this.cluster.pickReplica(), owner, rows);
  }

  /** The job posting wakes the replicas' waiting daemons: all but the winner find nothing (the Acquirer). */
  private postJob(): void {
    const cls = this.opts.acquireEmptyClass;
    if (cls === undefined) return;
    const idle = this.provisioners.servers - this.provisioners.busyServers;
    const empties = emptyAcquires(this.cluster.upCount, idle);
    if (empties > 0) this.pipeline.startRequest(cls, this.cluster.pickReplica(), undefined, empties);
  }

  /** A start build's agent connected: its start-up calls go to the replica it connected to. */
  private connectStarted(workspace: number): void {
    if (this.fleet.isConnected(workspace)) return;
    this.fleet.connect(workspace);
    const cls = this.opts.agentStartupClass;
    const replica = this.fleet.replicaOfAgent(workspace);
    if (cls !== undefined && replica >= 0) this.pipeline.startRequest(cls, replica);
  }

  /** Every workspace prepare asked for exists and its agent has connected. */
  get prepareDone(): boolean {
    const created = this.nextToCreate >= this.targetWorkspaces && this.createsInFlight === 0;
    return created && (this.opts.waitFor === "agent" || this.prepareBuilds.pending === 0);
  }

  /**
   * A workday start of a stopped workspace: a build request (through the API, or coderd's own autobuild
   * executor with `classId`), due since `dueSeconds` (what the user waits from).
   */
  startForWorkday(workspace: number, classId: number, dueSeconds: number): void {
    if (this.startedBy[workspace] !== 0 || this.fleet.isConnected(workspace)) return;
    this.startedBy[workspace] = BY_WORKDAY;
    this.requestedAt[workspace] = dueSeconds;
    // coderd's own autobuild executor builds no response, so ranks no queue.
    const rows = classId === this.opts.classes.workspaceCreate ? this.queueRows() : 0;
    this.requestsInFlight++;
    this.pipeline.startRequest(classId, this.cluster.pickReplica(), workspace * 2, rows);
  }

  /** A workday stop: a stop build; the agent goes and the pod is released when it completes. */
  stopForWorkday(workspace: number): void {
    if (this.stopping[workspace] === 1) return;
    this.stopping[workspace] = 1;
    this.sendBuildRequest(workspace * 2 + DELETE);
  }

  /**
   * The pairs the build response's queue-position query ranks (0 when not modelled). The query runs after
   * the job is inserted, so the jobs of the other requests in flight are pending by then too, less those
   * idle daemons take: a burst of creates is ranked against itself.
   */
  private queueRows(): number {
    if (this.opts.queuePositionRows !== true) return 0;
    const q = this.provisioners;
    const idle = q.servers - q.busyServers;
    return queuePositionPairs(Math.max(0, q.queueLength + this.requestsInFlight - idle), q.servers);
  }

  private pumpCreates(): void {
    const limit = this.opts.createConcurrency === 0 ? Number.POSITIVE_INFINITY : this.opts.createConcurrency;
    while (this.createsInFlight < limit && this.nextToCreate < this.targetWorkspaces) {
      const w = this.nextToCreate++;
      this.createsInFlight++;
      this.startedBy[w] = BY_PREPARE;
      this.requestedAt[w] = this.sim.now;
      if (Number.isNaN(this.prepareBuilds.firstRequestSeconds))
        this.prepareBuilds.firstRequestSeconds = this.sim.now;
      this.sendBuildRequest(w * 2);
    }
  }

  private pumpDeletes(): void {
    const limit =
      this.opts.cleanupConcurrency === 0 ? Number.POSITIVE_INFINITY : this.opts.cleanupConcurrency;
    while (this.deletesInFlight < limit && this.deleteQueue.length > 0) {
      const w = this.deleteQueue.pop()!;
      this.deletesInFlight++;
      if (Number.isNaN(this.cleanupBuilds.firstRequestSeconds))
        this.cleanupBuilds.firstRequestSeconds = this.sim.now;
      this.sendBuildRequest(w * 2 + DELETE);
    }
  }

  private jobDone(owner: number, responseSeconds: number, waitSeconds: number): void {
    const workspace = Math.floor(owner / 2);
    const forPrepare = owner % 2 !== DELETE && this.startedBy[workspace] === BY_PREPARE;
    this.tell.queueWait(
      waitSeconds,
      this.sim.now - responseSeconds + waitSeconds,
      forPrepare,
      owner % 2 === DELETE,
    );
    this.refreshJobUpdates();
    // Acquire and completion each write through coderd (UpdateJob in between is fluid).
    const r = this.cluster.pickReplica();
    const complete = this.opts.completeClasses;
    this.pipeline.startRequest(this.opts.classes.jobEvent, r);
    this.pipeline.startRequest(owner % 2 === DELETE ? complete.stop : complete.start, r);
    if (owner % 2 === DELETE) {
      this.fleet.disconnect(workspace);
      this.pods?.release(workspace);
      if (this.stopping[workspace] === 1) {
        this.stopping[workspace] = 0;
        this.tell.workdayStopped(workspace);
        return;
      }
      this.deletesInFlight--;
      this.cleanupBuilds.pending--;
      this.cleanupBuilds.lastDoneSeconds = this.sim.now;
      this.pumpDeletes();
      return;
    }
    if (this.opts.waitFor === "build") this.prepareSlotFreed(workspace);
    const pods = this.pods;
    if (pods === undefined) {
      this.sim.after(this.opts.connectDelay.sample(this.rng), () => this.connectStarted(workspace));
      return;
    }
    // The pod waits for a node with room; image pull and agent start follow.
    pods.place(workspace, () =>
      this.sim.after(this.opts.connectDelay.sample(this.rng), () => this.connectStarted(workspace)),
    );
  }

  private agentConnected(agent: number): void {
    const by = this.startedBy[agent];
    if (by === BY_WORKDAY) {
      this.startedBy[agent] = 0;
      this.tell.workdayReady(agent, this.sim.now - this.requestedAt[agent]!);
      return;
    }
    if (by !== BY_PREPARE || agent >= this.nextToCreate) return;
    this.startedBy[agent] = 0;
    this.tell.workspaceReady(this.sim.now - this.requestedAt[agent]!);
    this.prepareBuilds.pending--;
    this.prepareBuilds.lastDoneSeconds = this.sim.now;
    if (this.opts.waitFor !== "agent") return;
    this.createsInFlight--;
    this.pumpCreates();
  }

  /**
   * Running builds send UpdateJob every few seconds; spread over live replicas as a rate. Built-in
   * daemons' terraform runs on the replicas too (their expected share of the busy daemons).
   */
  refreshJobUpdates(): void {
    const live = this.cluster.upCount;
    const calls = this.opts.updateCallsPerBuildSecond;
    const perReplica =
      calls === undefined
        ? this.provisioners.busyServers / this.opts.updateIntervalSeconds / live
        : (this.provisioners.busyServers * calls) / live;
    const builtinVcpu =
      live > 0
        ? (this.provisioners.busyServers * this.opts.builtinShare * this.opts.builtinBuildingVcpu) / live
        : 0;
    for (let r = 0; r < this.cluster.replicas; r++) {
      const up = this.cluster.isUp(r);
      this.cluster.jobUpdatesPerSecond[r] = up ? perReplica : 0;
      this.cluster.builtinProvisionerVcpu[r] = up ? builtinVcpu : 0;
      this.cluster.refreshFluid(r);
    }
  }
}
