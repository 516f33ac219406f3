import type { AgentFleet } from "../agentFleet.js";
import { distOf } from "../features.js";
import { EventMetrics, eventFamilies } from "../metrics/eventMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { RequestListener } from "../requestPipeline.js";
import { ScaleEvents } from "../scaleEvents.js";
import type { UserSessions } from "../userSessions.js";
import type { WorkspaceRunner } from "../workspaceRunner.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** Failures and scale events (scenario `events`), with the disruption figures of each. */
export class EventsComponent implements ModelComponent {
  private readonly events: ScaleEvents;
  /** Every request's latency per 15 s window, for the disruption figures (built before the sampler starts). */
  private readonly metrics: EventMetrics;

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    fleet: AgentFleet,
    sessions: UserSessions,
    runner: WorkspaceRunner,
  ) {
    const { model } = ctx;
    this.events = new ScaleEvents(
      ctx.sim,
      plane.cluster,
      fleet,
      sessions,
      plane.pipeline,
      plane.database,
      ctx.stream("events"),
      {
        agentReconnectDelay: distOf(model.reconnects.agent_reconnect_delay_s),
        clientReconnectDelay: distOf(model.reconnects.client_reconnect_delay_s),
        agentReconnectClass: plane.ids.agentReconnect,
        agentRetrySeconds: model.reconnects.agent_retry_max_s.value,
        onReplicasChanged: () => runner.refreshJobUpdates(),
        onDatabaseChanged: ctx.hooks.fluidChanged.emit,
      },
    );
    this.events.schedule(ctx.features.events, ctx.timeline);
    this.metrics = new EventMetrics(ctx.sim);
  }

  afterPrepare(): void {
    this.events.scheduleAfterPrepare(this.ctx.timeline);
  }

  readonly onRequestDone: RequestListener = (_classId, _replica, latency, _owner, failed) => {
    if (failed) this.metrics.requestFailed();
    else this.metrics.requestDone(latency);
  };

  installMetrics(registry: MetricRegistry): void {
    eventFamilies(registry, this.metrics, this.events, this.plane.database);
  }

  figures(): Record<string, number> {
    const f: Record<string, number> = {};
    for (const r of this.events.records) {
      const label = `{event="${r.label}"}`;
      f[`disruption_failed_requests${label}`] = r.failedRequests;
      f[`disruption_reconnects${label}`] = r.reconnects;
      f[`disruption_settled_s${label}`] = r.settledSeconds - r.atSeconds;
      f[`disruption_at_s${label}`] = r.atSeconds;
    }
    return f;
  }
}
