import { ApiClients } from "../apiClients.js";
import { rateLimitFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import { RateLimiter } from "../rateLimiter.js";
import type { TimeWindow } from "../timeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** coderd's API rate limiter (deployment.coderd.rate_limit): per replica, per user (and API client). */
export class RateLimitComponent implements ModelComponent {
  readonly limiter: RateLimiter;

  constructor(ctx: ModelContext, plane: ControlPlane) {
    const { features } = ctx;
    const keys = ctx.scenario.workload.users + (features.apiClients?.count ?? 0);
    this.limiter = new RateLimiter(plane.cluster.replicas, keys, features.rateLimitPerMinute!);
  }

  installMetrics(registry: MetricRegistry): void {
    rateLimitFamilies(registry, this.limiter);
  }

  figures(): Record<string, number> {
    return { api_rejected_total: this.limiter.rejectedTotal, api_accepted_total: this.limiter.acceptedTotal };
  }
}

/** Scripted API clients (workload.api_clients), sending over the traffic window. */
export class ApiClientsComponent implements ModelComponent {
  private readonly clients: ApiClients;

  constructor(ctx: ModelContext, plane: ControlPlane, limiter: RateLimiter | undefined) {
    this.clients = new ApiClients(
      ctx.sim,
      plane.cluster,
      plane.pipeline,
      ctx.stream("api-clients"),
      { ...ctx.features.apiClients!, firstKey: ctx.scenario.workload.users, classes: plane.ids },
      limiter,
    );
  }

  trafficStarts(window: TimeWindow): void {
    this.clients.run(window.endSeconds);
  }

  figures(): Record<string, number> {
    return { api_client_requests: this.clients.sent };
  }
}
