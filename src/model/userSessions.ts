import type { Rng } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import type { StageName } from "../scenario/index.js";
import type { AgentFleet } from "./agentFleet.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { RequestPipeline } from "./requestPipeline.js";

export interface UserSessionOptions {
  dashboardIntervalSeconds: number;
  dashboardJitterSeconds: number;
  apiCallsPerAction: number;
  websocketsPerDashboardUser: number;
  bytesPerSecondPerConnection: number;
  directConnections: boolean;
  classes: { dashboardApi: number; connectionSetup: number };
}

interface OpenConnection {
  agent: number;
  replica: number;
  relayedBytesPerSecond: number;
  websockets: number;
}

/**
 * What users do during the traffic stages: dashboard browsers (an action every interval ± jitter, each a
 * burst of API calls, websockets held open) and workspace connections (SSH, web terminal, apps) whose
 * 10 Hz byte stream is carried as a relayed rate on the replica that proxies it.
 */
export class UserSessions {
  private dashboardActive = false;
  /** API calls of the current page load still outstanding, per dashboard user. */
  private pendingCalls: Int32Array = new Int32Array(0);
  private readonly openByStage = new Map<StageName, OpenConnection[]>();
  private dashboardReplicas: number[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly fleet: AgentFleet,
    private readonly pipeline: RequestPipeline,
    private readonly rng: Rng,
    private readonly opts: UserSessionOptions,
  ) {}

  get dashboardUsers(): number {
    return this.dashboardReplicas.length;
  }

  startDashboard(users: number): void {
    this.dashboardActive = true;
    this.dashboardReplicas = [];
    this.pendingCalls = new Int32Array(users);
    for (let u = 0; u < users; u++) {
      const r = this.cluster.pickReplica();
      this.dashboardReplicas.push(r);
      this.cluster.otherWebsockets[r]! += this.opts.websocketsPerDashboardUser;
      this.sim.after(this.rng() * this.opts.dashboardIntervalSeconds, () => this.dashboardAction(u));
    }
  }

  stopDashboard(): void {
    this.dashboardActive = false;
    for (const r of this.dashboardReplicas) this.cluster.otherWebsockets[r]! -= this.opts.websocketsPerDashboardUser;
    this.dashboardReplicas = [];
  }

  /**
   * A page load: its API calls go out together; the browser waits for all of them, then waits
   * interval ± jitter before the next click (scaletest/dashboard: click, wait for load, sleep).
   */
  private dashboardAction(user: number): void {
    if (!this.dashboardActive) return;
    const calls = this.opts.apiCallsPerAction;
    if (calls === 0) {
      this.scheduleNextAction(user);
      return;
    }
    this.pendingCalls[user] = calls;
    // Each API call may land on any replica (one HTTP client per browser, no affinity).
    for (let i = 0; i < calls; i++) {
      this.pipeline.startRequest(this.opts.classes.dashboardApi, this.cluster.pickReplica(), user);
    }
  }

  /** Pipeline callback: one API call of a user's page load returned. */
  dashboardCallReturned(user: number): void {
    if (!this.dashboardActive || user >= this.pendingCalls.length) return;
    if (--this.pendingCalls[user]! === 0) this.scheduleNextAction(user);
  }

  private scheduleNextAction(user: number): void {
    const j = this.opts.dashboardJitterSeconds;
    const next = Math.max(0.001, this.opts.dashboardIntervalSeconds + (2 * this.rng() - 1) * j);
    this.sim.after(next, () => this.dashboardAction(user));
  }

  /** Opens one connection per taking-part workspace whose agent is connected. */
  openConnections(stage: StageName, fraction: number, workspaces: number): void {
    const wanted = Math.round(fraction * workspaces);
    const open: OpenConnection[] = [];
    // SSH can go peer to peer; terminal and app traffic is proxied by coderd either way.
    const relayed = stage !== "ssh" || !this.opts.directConnections;
    for (let a = 0; a < workspaces && open.length < wanted; a++) {
      if (!this.fleet.isConnected(a)) continue;
      const r = this.cluster.pickReplica();
      const c: OpenConnection = {
        agent: a,
        replica: r,
        relayedBytesPerSecond: relayed ? this.opts.bytesPerSecondPerConnection : 0,
        websockets: 1,
      };
      open.push(c);
      this.pipeline.startRequest(this.opts.classes.connectionSetup, r);
      this.cluster.otherWebsockets[r]! += c.websockets;
      this.cluster.relayedBytesPerSecond[r]! += c.relayedBytesPerSecond;
      this.fleet.openSession(a);
    }
    this.openByStage.set(stage, open);
    for (let r = 0; r < this.cluster.replicas; r++) this.cluster.refreshFluid(r);
  }

  closeConnections(stage: StageName): void {
    for (const c of this.openByStage.get(stage) ?? []) {
      this.cluster.otherWebsockets[c.replica]! -= c.websockets;
      this.cluster.relayedBytesPerSecond[c.replica]! -= c.relayedBytesPerSecond;
      this.fleet.closeSession(c.agent);
    }
    this.openByStage.delete(stage);
    for (let r = 0; r < this.cluster.replicas; r++) this.cluster.refreshFluid(r);
  }

  get openConnectionCount(): number {
    let n = 0;
    for (const list of this.openByStage.values()) n += list.length;
    return n;
  }
}
