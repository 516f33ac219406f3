import type { Rng } from "../../engine/random/index.js";
import { Batcher } from "../../engine/resources/batcher.js";
import { dialAgent } from "../agentDial.js";
import { AgentFleet } from "../agentFleet.js";
import { distOf } from "../features.js";
import type { Geography } from "../geography.js";
import { agentFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { Completion, ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** coderd's agent-stats batcher, and (newest versions) its metadata batcher, one per replica. */
export class AgentBatchers implements ModelComponent {
  readonly stats: Batcher[];
  readonly metadata: Batcher[] | undefined;
  private readonly metadataItems: number;
  private readonly metadataFlushClass: number;

  constructor(ctx: ModelContext, plane: ControlPlane) {
    const { sim, model, scenario } = ctx;
    const { cluster, database, pipeline, ids } = plane;
    const items = scenario.workload.agent.metadata.items;
    this.metadataItems = items;
    this.metadataFlushClass = ids.metadataFlush;
    this.stats = cluster.cpus.map((_, r) =>
      new Batcher(sim, {
        name: `coderd-${r} stats batcher`,
        flushIntervalSeconds: model.agent.stats_flush_interval_s.value,
        maxBatchSize: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
        bufferCapacity: Math.max(1, Math.round(model.agent.stats_flush_rows.value)),
      }).onFlush((rows) => {
        if (!cluster.isUp(r)) return; // rows buffered on a lost replica are lost with it
        database.countAppendedRows(rows);
        pipeline.startRequest(ids.statsInsert, r, -1, rows);
      }),
    );
    const mb = model.metadata_batcher;
    if (ctx.mech.metadataPath !== "coderd_batch") {
      this.metadata = undefined;
      return;
    }
    const metadata = cluster.cpus.map((_, r) =>
      new Batcher(sim, {
        name: `coderd-${r} metadata batcher`,
        flushIntervalSeconds: mb.flush_interval_s.value,
        maxBatchSize: Math.round(mb.max_batch_entries.value),
        bufferCapacity: Math.round(mb.channel_capacity.value),
        whenFull: "drop",
        flushCompletion: "manual",
      }).onFlush((entries) => {
        if (entries === 0 || !cluster.isUp(r)) {
          metadata[r]!.flushDone();
          return;
        }
        pipeline.startRequest(ids.metadataFlush, r, r, entries);
        // One NOTIFY carries up to agent_ids_per_notify agent ids; the flush request sends the first.
        const agentsInBatch = Math.ceil(entries / Math.max(1, items));
        const extra = Math.ceil(agentsInBatch / mb.agent_ids_per_notify.value) - 1;
        for (let i = 0; i < extra; i++) pipeline.startRequest(ids.metadataNotify, r);
      }),
    );
    this.metadata = metadata;
  }

  /** A stats report reached replica `replica`: one row for its batcher. */
  statsReported(replica: number): void {
    this.stats[replica]!.add();
  }

  /** A metadata call reached replica `replica`: its items for the metadata batcher, when coderd batches. */
  metadataReported(replica: number): void {
    const batcher = this.metadata?.[replica];
    if (batcher) for (let i = 0; i < this.metadataItems; i++) batcher.add();
  }

  completions(): Completion[] {
    const metadata = this.metadata;
    if (!metadata) return [];
    return [{ classId: this.metadataFlushClass, done: (replica) => metadata[replica]!.flushDone() }];
  }

  figures(): Record<string, number> {
    return { metadata_dropped: this.metadata ? this.metadata.reduce((n, b) => n + b.stats().dropped, 0) : 0 };
  }
}

/** One agent per workspace, connected to a replica: its metadata and stats calls, and the agents gauge. */
export class FleetComponent implements ModelComponent {
  readonly fleet: AgentFleet;

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    private readonly batchers: AgentBatchers,
    geography: Geography | undefined,
  ) {
    const w = ctx.scenario.workload;
    this.fleet = new AgentFleet(ctx.sim, plane.cluster, plane.pipeline, ctx.stream("agents"), {
      agents: w.workspaces,
      metadataPath: ctx.mech.metadataPath,
      metadataItems: w.agent.metadata.items,
      metadataIntervalSeconds: w.agent.metadata.interval_s,
      metadataReportTickSeconds: ctx.model.agent.metadata_report_tick_s.value,
      statsIntervalSeconds: w.agent.stats_interval_s,
      classes: plane.ids,
      // Agents in far regions see longer round trips to coderd.
      extraRttSeconds:
        geography && Float64Array.from({ length: w.workspaces }, (_, a) => geography.agentExtraRtt(a)),
      onConnect: (agent) => {
        ctx.hooks.agentConnected.emit(agent);
        ctx.hooks.agentStarted.emit(agent);
      },
      onTailnet: ctx.hooks.tailnet.emit,
    });
    // dRPC agents (v2.9+): a metadata call past its deadline ends the agent's API connection, and it redials.
    if (ctx.mech.agentTransport === "drpc" && plane.pipeline.classAt(plane.ids.metadataRpc).client)
      plane.pipeline.onGaveUp(plane.ids.metadataRpc, (agent) => this.redial(agent));
  }

  private redialRng: Rng | undefined;

  /**
   * agent/agent.go: reportMetadata returns the call's error, the errgroup of the connection's routines ends
   * them all, run() returns and runLoop dials again after its backoff: a new connection (possibly to
   * another replica) with its manifest reads, connection row and coordinator registration.
   */
  private redial(agent: number): void {
    const { sim, model } = this.ctx;
    const { cluster, pipeline, ids } = this.plane;
    this.fleet.disconnect(agent);
    this.redials++;
    this.redialRng ??= this.ctx.stream("agent-redial");
    const dialer = {
      sim,
      cluster,
      fleet: this.fleet,
      pipeline,
      reconnectClass: ids.agentReconnect,
      retrySeconds: model.reconnects.agent_retry_max_s.value,
    };
    sim.after(distOf(model.reconnects.agent_reconnect_delay_s).sample(this.redialRng), () =>
      dialAgent(dialer, agent),
    );
  }

  /** Agent connections ended by a failed dRPC call (the figure `agent_redials`, present once one happened). */
  redials = 0;

  figures(): Record<string, number> {
    return this.redials > 0 ? { agent_redials: this.redials } : {};
  }

  installMetrics(registry: MetricRegistry): void {
    agentFamilies(
      registry,
      this.ctx.sim,
      this.plane.cluster,
      this.fleet,
      this.ctx.model.coderd.agents_collector_interval_s.value,
    );
  }

  completions(): Completion[] {
    const { fleet, batchers } = this;
    const ids = this.plane.ids;
    const statsDone = (agent: number, replica: number): void => {
      batchers.statsReported(replica);
      fleet.statsReturned(agent);
    };
    return [
      { classId: ids.statsRpc, done: statsDone },
      { classId: ids.statsRpcWithSession, done: statsDone },
      {
        classId: ids.metadataRpc,
        done: (agent, replica) => {
          batchers.metadataReported(replica);
          fleet.metadataReturned(agent);
        },
      },
    ];
  }
}
