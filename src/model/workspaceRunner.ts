import type { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import type { Distribution, Rng } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import type { AgentFleet } from "./agentFleet.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { RequestPipeline } from "./requestPipeline.js";

export interface WorkspaceRunnerOptions {
  createConcurrency: number;
  cleanupConcurrency: number;
  buildDuration: Distribution;
  deleteDuration: Distribution;
  connectDelay: Distribution;
  updateIntervalSeconds: number;
  classes: { workspaceCreate: number; jobEvent: number };
}

/** Tags and owners carry (workspace, transition) in one number. */
const DELETE = 1;

/**
 * The scale-test runner's create and cleanup phases: workspace build requests to coderd at a bounded
 * concurrency, jobs queued FIFO for the provisioner daemons (one job per daemon), and agents connecting
 * when a start build completes. A create slot is freed when the agent connects, as the runner waits for it.
 */
export class WorkspaceRunner {
  private nextToCreate = 0;
  private createsInFlight = 0;
  private targetWorkspaces = 0;
  private deleteQueue: number[] = [];
  private deletesInFlight = 0;
  private readonly requestedAt: Float64Array;
  /** Told about each job's provisioner queue wait, with the time the job started. */
  onQueueWait: (waitSeconds: number, startedAtSeconds: number) => void = () => {};
  /** Told about each workspace's time from create request to connected agent. */
  onWorkspaceReady: (seconds: number) => void = () => {};

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly pipeline: RequestPipeline,
    private readonly provisioners: FcfsQueue,
    private readonly fleet: AgentFleet,
    private readonly rng: Rng,
    private readonly opts: WorkspaceRunnerOptions,
    workspaces: number,
  ) {
    this.requestedAt = new Float64Array(workspaces);
    provisioners.onComplete((tag, response, wait) => this.jobDone(tag, response, wait));
    fleet.onConnect = (agent) => this.agentConnected(agent);
  }

  /** Starts creating workspaces 0..count−1. */
  startPrepare(count: number): void {
    this.targetWorkspaces = Math.min(count, this.requestedAt.length);
    this.pumpCreates();
  }

  /** Deletes every workspace created so far. */
  startCleanup(): void {
    this.deleteQueue = [];
    for (let w = this.nextToCreate - 1; w >= 0; w--) this.deleteQueue.push(w);
    this.pumpDeletes();
  }

  /** Pipeline callback: a build request (create or delete) returned; the job is now queued. */
  buildRequestDone(owner: number): void {
    const isDelete = owner % 2 === DELETE;
    const duration = (isDelete ? this.opts.deleteDuration : this.opts.buildDuration).sample(this.rng);
    this.provisioners.submit(duration, owner);
    this.refreshJobUpdates();
  }

  /** Every workspace prepare asked for exists and its agent has connected. */
  get prepareDone(): boolean {
    return this.nextToCreate >= this.targetWorkspaces && this.createsInFlight === 0;
  }

  get pendingJobs(): number {
    return this.provisioners.queueLength;
  }

  private pumpCreates(): void {
    const limit = this.opts.createConcurrency === 0 ? Number.POSITIVE_INFINITY : this.opts.createConcurrency;
    while (this.createsInFlight < limit && this.nextToCreate < this.targetWorkspaces) {
      const w = this.nextToCreate++;
      this.createsInFlight++;
      this.requestedAt[w] = this.sim.now;
      this.pipeline.startRequest(this.opts.classes.workspaceCreate, this.cluster.pickReplica(), w * 2);
    }
  }

  private pumpDeletes(): void {
    const limit = this.opts.cleanupConcurrency === 0 ? Number.POSITIVE_INFINITY : this.opts.cleanupConcurrency;
    while (this.deletesInFlight < limit && this.deleteQueue.length > 0) {
      const w = this.deleteQueue.pop()!;
      this.deletesInFlight++;
      this.pipeline.startRequest(this.opts.classes.workspaceCreate, this.cluster.pickReplica(), w * 2 + DELETE);
    }
  }

  private jobDone(owner: number, responseSeconds: number, waitSeconds: number): void {
    this.onQueueWait(waitSeconds, this.sim.now - responseSeconds + waitSeconds);
    this.refreshJobUpdates();
    // Acquire and completion each write through coderd (UpdateJob in between is fluid).
    const r = this.cluster.pickReplica();
    this.pipeline.startRequest(this.opts.classes.jobEvent, r);
    this.pipeline.startRequest(this.opts.classes.jobEvent, r);
    const workspace = Math.floor(owner / 2);
    if (owner % 2 === DELETE) {
      this.fleet.disconnect(workspace);
      this.deletesInFlight--;
      this.pumpDeletes();
      return;
    }
    this.sim.after(this.opts.connectDelay.sample(this.rng), () => this.fleet.connect(workspace));
  }

  private agentConnected(agent: number): void {
    if (agent >= this.nextToCreate) return;
    this.onWorkspaceReady(this.sim.now - this.requestedAt[agent]!);
    this.createsInFlight--;
    this.pumpCreates();
  }

  /** Running builds send UpdateJob every few seconds; spread over replicas as a rate. */
  private refreshJobUpdates(): void {
    const perReplica = this.provisioners.busyServers / this.opts.updateIntervalSeconds / this.cluster.replicas;
    for (let r = 0; r < this.cluster.replicas; r++) {
      this.cluster.jobUpdatesPerSecond[r] = perReplica;
      this.cluster.refreshFluid(r);
    }
  }
}
