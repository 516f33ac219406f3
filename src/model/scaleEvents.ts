import type { Distribution, Rng } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import { type AgentDialer, dialAgent } from "./agentDial.js";
import type { AgentFleet } from "./agentFleet.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { Database } from "./database.js";
import type { ScenarioEvent } from "./features.js";
import type { RequestPipeline } from "./requestPipeline.js";
import type { Timeline } from "./timeline.js";
import type { UserSessions } from "./userSessions.js";

/** What one event did, as the simulation saw it (recovery is read from the time series afterwards). */
export interface EventRecord {
  label: string;
  atSeconds: number;
  /** Requests cut: in flight on a lost replica, or running on the database at failover. */
  failedRequests: number;
  /** Long-lived connections that had to reconnect (agents, workspace connections, dashboard websockets). */
  reconnects: number;
  /** Reconnects still to complete; the event is not over before they are. */
  reconnectsPending: number;
  /** When the last reconnect completed (or the pause ended), seconds; NaN while pending. */
  settledSeconds: number;
}

/** A label that names an event in metric names: `replica_loss@3600s`, or `replica_loss@ssh+300s` relative to a stage. */
export function eventLabel(e: ScenarioEvent): string {
  return e.at ? `${e.kind}@${e.at.stage}+${e.at.offset_s}s` : `${e.kind}@${e.at_s}s`;
}

/**
 * Failures and scale events. A lost replica leaves the load balancer at once; its in-flight requests
 * fail; its agents reconnect to the survivors after detection plus the agent's retry delay (each a
 * reconnect request: auth, manifest, connection row, tailnet peer update), and its relayed connections
 * and dashboard websockets come back the same way. Scaling down does the same without failing requests
 * (graceful shutdown drains them); scaling up adds empty replicas that only new connections reach. A
 * database failover fails the queries running, then holds every granted connection's queries until the
 * new primary serves, so coderd's pools fill and requests queue.
 */
export class ScaleEvents {
  readonly records: EventRecord[] = [];
  /** Events placed in a stage that waits for prepare: scheduled once prepare is done and the stage's start known. */
  private readonly afterPrepare: { e: ScenarioEvent; record: EventRecord }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly fleet: AgentFleet,
    private readonly sessions: UserSessions,
    private readonly pipeline: RequestPipeline,
    private readonly database: Database,
    private readonly rng: Rng,
    private readonly opts: {
      agentReconnectDelay: Distribution;
      clientReconnectDelay: Distribution;
      agentReconnectClass: number;
      /** An agent's longest wait between reconnect attempts while no replica answers, seconds. */
      agentRetrySeconds: number;
      /** Called when a replica leaves or joins (job-update and provisioner loads are respread). */
      onReplicasChanged: () => void;
      /** Called when the database pauses or resumes (its fluid load follows). */
      onDatabaseChanged: () => void;
    },
  ) {
    this.dialer = {
      sim,
      cluster,
      fleet,
      pipeline,
      reconnectClass: opts.agentReconnectClass,
      retrySeconds: opts.agentRetrySeconds,
    };
  }

  private readonly dialer: AgentDialer;

  schedule(events: readonly ScenarioEvent[], timeline: Timeline): void {
    const moving = new Set(timeline.stagesAfterPrepare().map((s) => s.name));
    for (const e of events) {
      const record: EventRecord = {
        label: eventLabel(e),
        atSeconds: Number.NaN,
        failedRequests: 0,
        reconnects: 0,
        reconnectsPending: 0,
        settledSeconds: Number.NaN,
      };
      this.records.push(record);
      if (e.at && moving.has(e.at.stage)) this.afterPrepare.push({ e, record });
      else
        this.fireAt(e.at_s ?? (timeline.stage(e.at!.stage)?.startSeconds ?? 0) + e.at!.offset_s, e, record);
    }
  }

  /** Prepare is done and the later stages' actual starts are known: schedule the events placed in them. */
  scheduleAfterPrepare(timeline: Timeline): void {
    for (const { e, record } of this.afterPrepare.splice(0)) {
      const stage = timeline.stage(e.at!.stage)!;
      this.fireAt(Math.max(this.sim.now, stage.startSeconds + e.at!.offset_s), e, record);
    }
  }

  private fireAt(seconds: number, e: ScenarioEvent, record: EventRecord): void {
    record.atSeconds = seconds;
    this.sim.at(seconds, () => this.fire(e, record));
  }

  /** Reconnects not yet completed, over all events. */
  get reconnectsPending(): number {
    return this.records.reduce((n, r) => n + r.reconnectsPending, 0);
  }

  private fire(e: ScenarioEvent, record: EventRecord): void {
    switch (e.kind) {
      case "replica_loss": {
        const r = e.replica ?? this.highestUp();
        if (r < 0 || !this.cluster.isUp(r)) {
          this.settle(record);
          return;
        }
        record.failedRequests = this.pipeline.failRequestsOn(r);
        this.takeDown(r, e.detect_s, record);
        if (record.reconnectsPending === 0) this.settle(record);
        if (e.restart_after_s !== undefined) {
          this.sim.after(e.restart_after_s, () => {
            this.cluster.setUp(r, true);
            this.opts.onReplicasChanged();
          });
        }
        return;
      }
      case "scale_replicas": {
        // Up: the lowest-numbered replicas that are down join. Down: the highest-numbered leave, gracefully.
        for (let r = 0; r < this.cluster.replicas && this.cluster.upCount < e.replicas; r++) {
          if (!this.cluster.isUp(r)) this.cluster.setUp(r, true);
        }
        while (this.cluster.upCount > e.replicas) this.takeDown(this.highestUp(), 0, record);
        this.opts.onReplicasChanged();
        if (record.reconnectsPending === 0) this.settle(record);
        return;
      }
      case "database_failover": {
        record.failedRequests = this.pipeline.pauseDatabase();
        this.database.setPaused(true);
        this.opts.onDatabaseChanged();
        this.sim.after(e.pause_s, () => {
          this.database.setPaused(false);
          this.pipeline.resumeDatabase();
          this.opts.onDatabaseChanged();
          this.settle(record);
        });
        return;
      }
    }
  }

  /** Takes replica r out; every long-lived connection on it reconnects elsewhere after a delay. */
  private takeDown(r: number, detectSeconds: number, record: EventRecord): void {
    this.cluster.setUp(r, false);
    this.opts.onReplicasChanged();
    const done = (): void => {
      record.reconnectsPending--;
      if (record.reconnectsPending === 0) this.settle(record);
    };
    const agents = this.fleet.agentsOn(r);
    for (const a of agents) {
      this.fleet.disconnect(a);
      this.sim.after(detectSeconds + this.opts.agentReconnectDelay.sample(this.rng), () =>
        dialAgent(this.dialer, a, done),
      );
    }
    let first = true;
    // The first attempts (made while dropping) wait for detection too; later retries only the client's delay.
    const clientDelay = (): number =>
      this.opts.clientReconnectDelay.sample(this.rng) + (first ? detectSeconds : 0);
    const users = this.sessions.dropReplica(r, clientDelay, done);
    first = false;
    record.reconnects += agents.length + users;
    record.reconnectsPending += agents.length + users;
    this.cluster.refreshFluid(r);
  }

  private settle(record: EventRecord): void {
    if (Number.isNaN(record.settledSeconds) || record.settledSeconds < this.sim.now)
      record.settledSeconds = this.sim.now;
  }

  private highestUp(): number {
    for (let r = this.cluster.replicas - 1; r >= 0; r--) if (this.cluster.isUp(r)) return r;
    return -1;
  }
}
