import { type Distribution, distributionFromSpec } from "../../engine/random/index.js";
import type { Scenario } from "../../scenario/index.js";
import type { AgentFleet } from "../agentFleet.js";
import { since } from "../coderVersion.js";
import type { TailnetEvent } from "../hook.js";
import type { ModelFile } from "../modelSchema.js";
import type { RequestClass, Step } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

type Tailnet = NonNullable<ModelFile["tailnet_coordinator"]>;

/**
 * Whether the run has the PG coordinator: the model must describe it; the scenario's
 * `deployment.coderd.tailnet_coordinator` decides, else more than one replica from the model's
 * `versions.pg_coordinator` (replicas without the HA licence cannot connect workspaces; with it coderd
 * runs pgcoord, enterprise/coderd/coderd.go updateEntitlements).
 */
export function pgCoordinatorOn(scenario: Scenario, model: ModelFile): boolean {
  if (!model.tailnet_coordinator) return false;
  const coderd = scenario.deployment.coderd;
  if (coderd.tailnet_coordinator !== undefined) return coderd.tailnet_coordinator === "pg";
  const first = model.versions.pg_coordinator;
  const versionHasIt = first === undefined || since(scenario.deployment.coder_version, first);
  return coderd.replicas > 1 && versionHasIt;
}

/**
 * The PG coordinator's database work (enterprise/tailnet/pgcoord.go, the v2.4+ tables whose triggers
 * NOTIFY on every row change): each replica's heartbeat every 2 s; per agent stream, its node updates
 * (UpsertTailnetPeer) and the delete when it closes; per client connection, the client's peer, the tunnel
 * and the agent's answering node update. Every peer NOTIFY makes every replica's querier look up the peer's
 * tunnels (GetTailnetTunnelPeerIDs); every tunnel NOTIFY, and every peer update with a tunnel, makes the
 * replica holding the other end re-read its mappings (GetTailnetTunnelPeerBindings). coderd's CPU for it is
 * in the fitted per-agent cost, so only the database is charged here.
 */
export class TailnetCoordinatorComponent implements ModelComponent {
  private readonly cls: Record<
    "heartbeat" | "peerUpsert" | "peerDelete" | "tunnelUpsert" | "tunnelDelete" | "lookup" | "mapping",
    number
  > & { bindingDelete?: number };
  /** Before versions.pg_coordinator_peers_tunnels: agent and client bindings (tailnet_agents, tailnet_clients). */
  private readonly v1: boolean;
  /** Statements started, and the database CPU they ask (figures `pgcoord_statements`, `pgcoord_db_cpu_s`). */
  statements = 0;
  cpuSeconds = 0;

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    private readonly fleet: AgentFleet,
    private readonly t: Tailnet,
  ) {
    const boundary = ctx.model.versions.pg_coordinator_peers_tunnels;
    this.v1 =
      boundary !== undefined &&
      t.client_node_updates_v1 !== undefined &&
      !since(ctx.scenario.deployment.coder_version, boundary);
    this.cls = defineClasses(ctx.model, t, this.v1, (c) => plane.pipeline.define(c));
    ctx.hooks.tailnet.connect((event, agent, replica) => this.on(event, agent, replica));
    this.startHeartbeats();
  }

  figures(): Record<string, number> {
    return { pgcoord_statements: this.statements, pgcoord_db_cpu_s: this.cpuSeconds };
  }

  /** Every live replica upserts its coordinator row every heartbeat interval, from a random phase. */
  private startHeartbeats(): void {
    const { sim } = this.ctx;
    const { cluster } = this.plane;
    const interval = this.t.heartbeat_interval_s.value;
    const rng = this.ctx.stream("tailnet-heartbeat");
    for (let r = 0; r < cluster.replicas; r++) {
      const beat = (): void => {
        if (cluster.isUp(r)) this.run(this.cls.heartbeat, r);
        sim.after(interval, beat);
      };
      sim.after(rng() * interval, beat);
    }
  }

  private on(event: TailnetEvent, agent: number, replica: number): void {
    const t = this.t;
    const agentReplica = this.fleet.replicaOfAgent(agent);
    if (this.v1) {
      this.onV1(event, replica, agentReplica);
      return;
    }
    switch (event) {
      case "agent_up":
        this.nodeUpdates(t.agent_node_updates.value, replica, -1);
        this.run(this.cls.mapping, replica); // the new stream's first mapping (querier newConn)
        return;
      case "agent_down":
        this.peerGone(replica, -1);
        return;
      case "client_up":
        // The client's own peer: its node updates, each found by the lookups to have a tunnel to the agent.
        this.nodeUpdates(t.client_node_updates.value, replica, agentReplica);
        this.run(this.cls.mapping, replica);
        this.tunnelUp(replica, agentReplica);
        return;
      case "tunnel_up":
        this.tunnelUp(replica, agentReplica);
        return;
      case "client_down":
        this.peerGone(replica, agentReplica);
        return;
      case "tunnel_down":
        this.run(this.cls.tunnelDelete, replica);
        if (agentReplica >= 0) this.run(this.cls.mapping, agentReplica);
        return;
    }
  }

  /**
   * The coordinator before the peers/tunnels tables (enterprise/tailnet/pgcoord.go of v0.2x-v2.3): the binder
   * upserts a tailnet_agents or tailnet_clients row per node update (their triggers NOTIFY); a client update
   * makes the replica holding the agent's "clients of agent" mapper query GetTailnetClientsForAgent, an agent
   * update makes the replicas holding a client mapper query GetTailnetAgents; a new connection's mapper
   * queries once (querier.newConn). Every client (coder ssh, and each coderd-proxied connection: ServeClient
   * through wsconncache, ServeMultiAgent not implemented there) binds to one agent: no tunnel rows.
   */
  private onV1(event: TailnetEvent, replica: number, agentReplica: number): void {
    const t = this.t;
    switch (event) {
      case "agent_up":
        for (let i = 0; i < Math.round(t.agent_node_updates.value); i++)
          this.run(this.cls.peerUpsert, replica);
        this.run(this.cls.mapping, replica); // GetTailnetClientsForAgent for the agent's new mapper
        return;
      case "agent_down":
        this.run(this.cls.bindingDelete!, replica);
        return;
      case "client_up":
      case "tunnel_up":
        this.run(this.cls.mapping, replica); // GetTailnetAgents for the client's new mapper
        for (let i = 0; i < Math.round(t.client_node_updates_v1!.value); i++) {
          this.run(this.cls.peerUpsert, replica);
          this.run(this.cls.mapping, agentReplica); // GetTailnetClientsForAgent where the agent is
        }
        for (let i = 0; i < Math.round(t.agent_node_updates_per_client.value); i++) {
          this.run(this.cls.peerUpsert, agentReplica);
          this.run(this.cls.mapping, replica); // GetTailnetAgents where the client is
        }
        return;
      case "client_down":
      case "tunnel_down":
        this.run(this.cls.bindingDelete!, replica);
        this.run(this.cls.mapping, agentReplica);
        return;
    }
  }

  /** The tunnel row (both ends re-read their mappings), then the agent's answering node updates. */
  private tunnelUp(clientReplica: number, agentReplica: number): void {
    this.run(this.cls.tunnelUpsert, clientReplica);
    this.run(this.cls.mapping, clientReplica);
    if (agentReplica >= 0) this.run(this.cls.mapping, agentReplica);
    if (agentReplica >= 0)
      this.nodeUpdates(this.t.agent_node_updates_per_client.value, agentReplica, clientReplica);
  }

  /**
   * `n` node updates of a peer on `replica`: each an upsert whose NOTIFY makes every live replica look up the
   * peer's tunnels; with a tunnel peer on `otherReplica` (≥ 0), that replica re-reads its mappings.
   */
  private nodeUpdates(n: number, replica: number, otherReplica: number): void {
    for (let i = 0; i < Math.round(n); i++) {
      this.run(this.cls.peerUpsert, replica);
      this.lookupsEverywhere();
      if (otherReplica >= 0) this.run(this.cls.mapping, otherReplica);
    }
  }

  /** A peer's stream closes: its row and its tunnels go (two NOTIFYing deletes); every replica looks it up. */
  private peerGone(replica: number, otherReplica: number): void {
    this.run(this.cls.peerDelete, replica);
    this.lookupsEverywhere();
    if (otherReplica >= 0) this.run(this.cls.mapping, otherReplica);
  }

  private lookupsEverywhere(): void {
    const { cluster } = this.plane;
    for (let r = 0; r < cluster.replicas; r++) if (cluster.isUp(r)) this.run(this.cls.lookup, r);
  }

  private run(classId: number, replica: number): void {
    if (replica < 0 || !this.plane.cluster.isUp(replica)) return;
    const { steps } = this.plane.pipeline.classAt(classId);
    this.statements += steps.length;
    for (const step of steps) if (step.kind === "query") this.cpuSeconds += step.work.mean;
    this.plane.pipeline.startRequest(classId, replica);
  }
}

/** The coordinator's statements as background request classes on the replica's pool. */
function defineClasses(model: ModelFile, t: Tailnet, v1: boolean, define: (c: RequestClass) => number) {
  const db = model.database;
  const det = (value: number): Distribution =>
    distributionFromSpec({ dist: "deterministic", value } as never);
  const mean = (p: { value: unknown }): number => distributionFromSpec(p.value as never).mean;
  // Absent a measurement, a trigger write costs the model's mean write plus mean NOTIFY; a lookup a read.
  const triggerWrite = mean(db.write_query_cpu_s) + mean(db.notify_cpu_s);
  const read = mean(db.read_query_cpu_s);
  const write = (cost: { value: number } | undefined): Step => ({
    kind: "query",
    work: det(cost?.value ?? triggerWrite),
    statements: 1,
    logged: true,
    notify: true,
    // The tables' triggers NOTIFY inside the write's transaction: its commit flushes under the lock.
    notifyFlushes: true,
  });
  const query = (cost: { value: number } | undefined): Step => ({
    kind: "query",
    work: det(cost?.value ?? read),
    statements: 1,
    logged: false,
    notify: false,
  });
  const background = (name: string, steps: Step[]): number =>
    define({ name, steps, http: false, agentApi: false });
  return {
    heartbeat: background("pgcoord_heartbeat", [write(t.heartbeat_cpu_s)]),
    peerUpsert: background("pgcoord_peer_upsert", [write(t.peer_upsert_cpu_s)]),
    peerDelete: background("pgcoord_peer_delete", [write(t.peer_delete_cpu_s), write(t.tunnel_delete_cpu_s)]),
    tunnelUpsert: background("pgcoord_tunnel_upsert", [write(t.tunnel_upsert_cpu_s)]),
    tunnelDelete: background("pgcoord_tunnel_delete", [write(t.tunnel_delete_cpu_s)]),
    lookup: background("pgcoord_peer_lookup", [query(t.peer_lookup_cpu_s)]),
    mapping: background("pgcoord_mapping_query", [query(t.mapping_query_cpu_s)]),
    // Before the peers/tunnels tables: DeleteTailnetAgent / DeleteTailnetClient, one NOTIFYing delete.
    ...(v1 && { bindingDelete: background("pgcoord_binding_delete", [write(t.peer_delete_cpu_s)]) }),
  };
}
