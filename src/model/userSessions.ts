import type { Rng } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import type { StageName } from "../scenario/index.js";
import type { AgentFleet } from "./agentFleet.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { Geography, ProxyReplica } from "./geography.js";
import type { TailnetEvent } from "./hook.js";
import type { RateLimiter } from "./rateLimiter.js";
import type { RequestPipeline } from "./requestPipeline.js";

export interface UserSessionOptions {
  dashboardIntervalSeconds: number;
  dashboardJitterSeconds: number;
  apiCallsPerAction: number;
  websocketsPerDashboardUser: number;
  bytesPerSecondPerConnection: number;
  /** Bytes per relayed message of the scale-test traffic (one write or its echo). */
  bytesPerMessage: number;
  /** Bytes per relayed message of a working user's session (workload.sessions). */
  sessionBytesPerMessage: number;
  directConnections: boolean;
  classes: { dashboardApi: number; connectionSetup: number; rateLimited: number };
  /** Users (a workspace belongs to user workspace mod users). */
  users: number;
  /** Regions, proxies and round trips; absent = everyone next to coderd. */
  geography?: Geography;
  /** The API rate limiter; absent = not simulated. */
  rateLimiter?: RateLimiter;
  /** Told when a workspace gains (+1) or loses (−1) a user connection (drives workspace CPU bursts). */
  onInUse?: (agent: number, delta: number) => void;
  /** Told when a connection's tailnet peer or tunnel comes or goes on the replica it coordinates through. */
  onTailnet?: (event: TailnetEvent, agent: number, replica: number) => void;
}

/** Kinds of workspace connection; SSH alone can go peer to peer. */
export type ConnectionKind = "ssh" | "web_terminal" | "workspace_apps";

interface OpenConnection {
  agent: number;
  /** Peer to peer: its bytes never reach a relay. */
  direct: boolean;
  /** coderd replica carrying it (relayed through coderd), or −1. */
  replica: number;
  /** Workspace proxy replica carrying it, if any. */
  proxy: ProxyReplica | undefined;
  relayedBytesPerSecond: number;
  /** Bytes per relayed message: relayed messages per second are relayedBytesPerSecond / this. */
  bytesPerMessage: number;
  websockets: number;
  /** Replica whose coordinator holds its tailnet peer or tunnel (the one it was opened through). */
  coordinator: number;
  /** Its own client peer (SSH from the user's machine); else a tunnel from coderd's peer (terminal, apps). */
  ownPeer: boolean;
  /** False while it reconnects after its replica was lost, or once closed. */
  attached: boolean;
  closed: boolean;
}

/**
 * What users do during the traffic stages: dashboard browsers (an action every interval ± jitter, each a
 * burst of API calls, websockets held open) and workspace connections (SSH, web terminal, apps) whose
 * 10 Hz byte stream is carried as a relayed rate on the replica (or workspace proxy) that relays it.
 */
export class UserSessions {
  private dashboardActive = false;
  /** API calls of the current page load still outstanding, per dashboard user. */
  private pendingCalls: Int32Array = new Int32Array(0);
  private readonly openByStage = new Map<StageName, OpenConnection[]>();
  /** Single connections of working users (workday), by workspace. */
  private readonly singles = new Map<number, OpenConnection>();
  /** Replica holding each dashboard user's websockets, −1 while it reconnects. */
  private dashboardReplicas: number[] = [];
  private readonly geography: Geography | undefined;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly onInUse: ((agent: number, delta: number) => void) | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly fleet: AgentFleet,
    private readonly pipeline: RequestPipeline,
    private readonly rng: Rng,
    private readonly opts: UserSessionOptions,
  ) {
    this.geography = opts.geography;
    this.rateLimiter = opts.rateLimiter;
    this.onInUse = opts.onInUse;
  }

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
    for (const r of this.dashboardReplicas) {
      if (r >= 0) this.cluster.otherWebsockets[r]! -= this.opts.websocketsPerDashboardUser;
    }
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
    const extraRtt = this.geography ? this.geography.apiExtraRtt(user) : 0;
    // Each API call may land on any replica (one HTTP client per browser, no affinity).
    for (let i = 0; i < calls; i++) {
      const r = this.cluster.pickReplica();
      const allowed = this.rateLimiter === undefined || this.rateLimiter.allow(r, user, this.sim.now);
      const cls = allowed ? this.opts.classes.dashboardApi : this.opts.classes.rateLimited;
      this.pipeline.startRequest(cls, r, user, 0, extraRtt);
    }
  }

  /** Pipeline callback: one API call of a user's page load returned (answered or refused). */
  dashboardCallReturned(user: number): void {
    if (!this.dashboardActive || user < 0 || user >= this.pendingCalls.length) return;
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
    for (let a = 0; a < workspaces && open.length < wanted; a++) {
      if (!this.fleet.isConnected(a)) continue;
      open.push(this.open(a, stage as ConnectionKind));
    }
    this.openByStage.set(stage, open);
    for (let r = 0; r < this.cluster.replicas; r++) this.cluster.refreshFluid(r);
  }

  closeConnections(stage: StageName): void {
    for (const c of this.openByStage.get(stage) ?? []) this.close(c);
    this.openByStage.delete(stage);
    for (let r = 0; r < this.cluster.replicas; r++) this.cluster.refreshFluid(r);
  }

  /** A working user's connection to their workspace (workday). */
  openWorkspaceConnection(agent: number, kind: ConnectionKind): void {
    if (this.singles.has(agent) || !this.fleet.isConnected(agent)) return;
    const c = this.open(agent, kind);
    this.singles.set(agent, c);
    if (c.replica >= 0) this.cluster.refreshFluid(c.replica);
  }

  /**
   * A working user's session of a mix kind (workload.sessions): relayed unless `direct`, carrying
   * `bytesPerSecond` from the start (setSessionBytes changes it as the session goes active or idle).
   */
  openSession(agent: number, direct: boolean, bytesPerSecond: number): boolean {
    if (this.singles.has(agent) || !this.fleet.isConnected(agent)) return false;
    const c = this.open(agent, "ssh", {
      direct,
      bytesPerSecond: direct ? 0 : bytesPerSecond,
      bytesPerMessage: this.opts.sessionBytesPerMessage,
    });
    this.singles.set(agent, c);
    if (c.replica >= 0) this.cluster.refreshFluid(c.replica);
    return true;
  }

  /** A relayed session's bytes per second change (active or idle); direct sessions carry none. */
  setSessionBytes(agent: number, bytesPerSecond: number): void {
    const c = this.singles.get(agent);
    if (!c || c.direct) return;
    const delta = bytesPerSecond - c.relayedBytesPerSecond;
    c.relayedBytesPerSecond = bytesPerSecond;
    if (!c.attached || delta === 0) return;
    if (c.proxy) this.geography!.addToProxy(c.proxy, delta, 0, delta / c.bytesPerMessage);
    else {
      this.addRelay(c.replica, delta, c.bytesPerMessage);
      this.cluster.refreshFluid(c.replica);
    }
  }

  closeWorkspaceConnection(agent: number): void {
    const c = this.singles.get(agent);
    if (!c) return;
    this.singles.delete(agent);
    this.close(c);
    if (c.replica >= 0) this.cluster.refreshFluid(c.replica);
  }

  get openConnectionCount(): number {
    let n = this.singles.size;
    for (const list of this.openByStage.values()) n += list.length;
    return n;
  }

  /**
   * A replica was lost (or scaled away): its relayed connections and dashboard websockets drop and come
   * back on the survivors after `delay()` seconds, each reconnect a request. Returns how many dropped;
   * `onReconnected` is told as each one is back.
   */
  dropReplica(replica: number, delay: () => number, onReconnected: () => void): number {
    let dropped = 0;
    const all = [...this.singles.values(), ...[...this.openByStage.values()].flat()];
    for (const c of all) {
      if (!c.attached || c.replica !== replica) continue;
      this.detach(c);
      dropped++;
      this.sim.after(delay(), () => this.reattach(c, delay, onReconnected));
    }
    this.dashboardReplicas.forEach((r, u) => {
      if (r !== replica) return;
      this.cluster.otherWebsockets[r]! -= this.opts.websocketsPerDashboardUser;
      this.dashboardReplicas[u] = -1;
      dropped++;
      const back = (): void => {
        if (!this.dashboardActive || this.dashboardReplicas[u] !== -1) {
          onReconnected();
          return;
        }
        if (this.cluster.upCount === 0) {
          this.sim.after(delay(), back);
          return;
        }
        const r2 = this.cluster.pickReplica();
        this.dashboardReplicas[u] = r2;
        this.cluster.otherWebsockets[r2]! += this.opts.websocketsPerDashboardUser;
        this.pipeline.startRequest(
          this.opts.classes.connectionSetup,
          r2,
          -1,
          0,
          this.geography?.apiExtraRtt(u) ?? 0,
        );
        onReconnected();
      };
      this.sim.after(delay(), back);
    });
    this.cluster.refreshFluid(replica);
    return dropped;
  }

  /** Adds (or with negative bytes removes) a relayed stream on a coderd replica: its bytes and messages. */
  private addRelay(replica: number, bytesPerSecond: number, bytesPerMessage: number): void {
    this.cluster.relayedBytesPerSecond[replica]! += bytesPerSecond;
    this.cluster.relayedMessagesPerSecond[replica]! += bytesPerSecond / bytesPerMessage;
  }

  private open(
    agent: number,
    kind: ConnectionKind,
    route?: { direct: boolean; bytesPerSecond: number; bytesPerMessage: number },
  ): OpenConnection {
    // SSH can go peer to peer; terminal and app traffic is relayed by coderd (or a proxy) either way.
    const direct = route ? route.direct : kind === "ssh" && this.opts.directConnections;
    const user = this.opts.users > 0 ? agent % this.opts.users : 0;
    const r = this.cluster.pickReplica();
    const relay = this.geography?.relayFor(user, direct);
    const bytes = route ? route.bytesPerSecond : direct ? 0 : this.opts.bytesPerSecondPerConnection;
    const c: OpenConnection = {
      agent,
      direct,
      replica: relay?.kind === "proxy" ? -1 : r,
      proxy: relay?.kind === "proxy" ? relay.proxy : undefined,
      relayedBytesPerSecond: bytes,
      bytesPerMessage: route ? route.bytesPerMessage : this.opts.bytesPerMessage,
      websockets: 1,
      coordinator: r,
      ownPeer: kind === "ssh",
      attached: true,
      closed: false,
    };
    // Opening it is an API request to coderd (a proxy asks coderd for a signed app token).
    this.pipeline.startRequest(
      this.opts.classes.connectionSetup,
      r,
      -1,
      0,
      this.geography?.apiExtraRtt(user) ?? 0,
    );
    if (c.proxy)
      this.geography!.addToProxy(
        c.proxy,
        c.relayedBytesPerSecond,
        c.websockets,
        c.relayedBytesPerSecond / c.bytesPerMessage,
      );
    else {
      this.cluster.otherWebsockets[r]! += c.websockets;
      this.addRelay(r, c.relayedBytesPerSecond, c.bytesPerMessage);
    }
    if (this.geography && relay)
      this.geography.recordConnection(user, this.geography.connectionRtt(user, agent, relay));
    this.fleet.openSession(agent);
    this.onInUse?.(agent, 1);
    this.opts.onTailnet?.(c.ownPeer ? "client_up" : "tunnel_up", agent, r);
    return c;
  }

  private close(c: OpenConnection): void {
    if (c.attached) {
      if (c.proxy)
        this.geography!.addToProxy(
          c.proxy,
          -c.relayedBytesPerSecond,
          -c.websockets,
          -c.relayedBytesPerSecond / c.bytesPerMessage,
        );
      else {
        this.cluster.otherWebsockets[c.replica]! -= c.websockets;
        this.addRelay(c.replica, -c.relayedBytesPerSecond, c.bytesPerMessage);
      }
    }
    c.attached = false;
    c.closed = true;
    this.fleet.closeSession(c.agent);
    this.onInUse?.(c.agent, -1);
    this.opts.onTailnet?.(c.ownPeer ? "client_down" : "tunnel_down", c.agent, c.coordinator);
  }

  private detach(c: OpenConnection): void {
    this.cluster.otherWebsockets[c.replica]! -= c.websockets;
    this.addRelay(c.replica, -c.relayedBytesPerSecond, c.bytesPerMessage);
    c.attached = false;
  }

  private reattach(c: OpenConnection, delay: () => number, onReconnected: () => void): void {
    if (c.closed) {
      onReconnected();
      return;
    }
    if (this.cluster.upCount === 0) {
      this.sim.after(delay(), () => this.reattach(c, delay, onReconnected));
      return;
    }
    const r = this.cluster.pickReplica();
    c.replica = r;
    c.attached = true;
    this.cluster.otherWebsockets[r]! += c.websockets;
    this.addRelay(r, c.relayedBytesPerSecond, c.bytesPerMessage);
    const user = this.opts.users > 0 ? c.agent % this.opts.users : 0;
    this.pipeline.startRequest(
      this.opts.classes.connectionSetup,
      r,
      -1,
      0,
      this.geography?.apiExtraRtt(user) ?? 0,
    );
    this.cluster.refreshFluid(r);
    onReconnected();
  }
}
