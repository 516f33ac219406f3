import type { AgentFleet } from "../agentFleet.js";
import type { Geography } from "../geography.js";
import { sessionFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { NodePool } from "../nodePool.js";
import type { RateLimiter } from "../rateLimiter.js";
import { UserSessions } from "../userSessions.js";
import type { Completion, ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** Users: dashboard browsers and workspace connections (SSH, terminal, apps). */
export class SessionsComponent implements ModelComponent {
  readonly sessions: UserSessions;

  constructor(
    ctx: ModelContext,
    private readonly plane: ControlPlane,
    fleet: AgentFleet,
    parts: { geography?: Geography; rateLimiter?: RateLimiter; nodePool?: NodePool },
  ) {
    const { model } = ctx;
    const w = ctx.scenario.workload;
    const nodePool = parts.nodePool;
    this.sessions = new UserSessions(ctx.sim, plane.cluster, fleet, plane.pipeline, ctx.stream("users"), {
      dashboardIntervalSeconds: w.dashboard.interval_s,
      dashboardJitterSeconds: w.dashboard.jitter_s,
      apiCallsPerAction: Math.round(model.dashboard.api_calls_per_action.value),
      websocketsPerDashboardUser: model.dashboard.websockets_per_user.value,
      bytesPerSecondPerConnection:
        (w.traffic.bytes_per_tick / w.traffic.tick_interval_s) * model.workspace_traffic.echo_factor.value,
      // Each tick's write is one message, and so is its echo.
      bytesPerMessage: w.traffic.bytes_per_tick,
      sessionBytesPerMessage:
        model.workspace_traffic.session_message_bytes?.value ?? w.traffic.bytes_per_tick,
      directConnections: w.traffic.direct_connections,
      classes: plane.ids,
      users: w.users,
      geography: parts.geography,
      rateLimiter: parts.rateLimiter,
      // Connected users make their workspaces burst on the node pool.
      onInUse: nodePool && ((agent, delta) => nodePool.setInUse(agent, delta)),
      onTailnet: ctx.hooks.tailnet.emit,
    });
  }

  installMetrics(registry: MetricRegistry): void {
    sessionFamilies(registry, this.sessions);
  }

  completions(): Completion[] {
    const { sessions } = this;
    const ids = this.plane.ids;
    return [
      { classId: ids.dashboardApi, done: (user) => sessions.dashboardCallReturned(user) },
      // A refused call of a dashboard user (owner ≥ 0) still ends its part of the page load; API clients don't wait.
      {
        classId: ids.rateLimited,
        done: (user) => {
          if (user >= 0) sessions.dashboardCallReturned(user);
        },
      },
    ];
  }
}
