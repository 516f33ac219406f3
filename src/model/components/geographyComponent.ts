import { Geography } from "../geography.js";
import { proxyFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { RequestListener } from "../requestPipeline.js";
import type { ModelComponent, OwnedResource } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** Regions and workspace proxies: the proxies' CPUs and per-region latency figures. */
export class GeographyComponent implements ModelComponent {
  readonly geography: Geography;

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
  ) {
    const spec = ctx.features.geography!;
    this.geography = new Geography(
      ctx.sim,
      spec,
      ctx.model,
      ctx.stream("geography"),
      ctx.scenario.workload.users,
    );
  }

  installMetrics(registry: MetricRegistry): void {
    proxyFamilies(registry, this.geography);
  }

  resources(): OwnedResource[] {
    return this.geography.proxies.map((p) => ({ section: "proxies", kind: "cpu", resource: p.cpu }));
  }

  /** Dashboard calls count for their user's region, agent calls for their workspace's. */
  readonly onRequestDone: RequestListener = (classId, _replica, latency, owner, failed) => {
    if (failed) return;
    const g = this.geography;
    const measured = this.ctx.timeline.inTraffic(this.ctx.sim.now);
    if (classId === this.plane.ids.dashboardApi)
      g.apiProbes[g.regionOfUser(owner)]!.record(latency, measured);
    else if (this.plane.pipeline.classAt(classId).agentApi)
      g.agentProbes[g.regionOfWorkspace(owner)]!.record(latency, measured);
  };

  figures(): Record<string, number> {
    const g = this.geography;
    const f: Record<string, number> = {};
    g.regionNames.forEach((name, i) => {
      const label = `{region="${name}"}`;
      f[`api_latency_p95_ms${label}`] = g.apiProbes[i]!.exactQuantile(0.95) * 1000;
      f[`agent_api_latency_p95_ms${label}`] = g.agentProbes[i]!.exactQuantile(0.95) * 1000;
      const n = g.connectionCount[i]!;
      f[`workspace_connection_rtt_ms${label}`] = n > 0 ? (g.connectionRttSum[i]! / n) * 1000 : Number.NaN;
    });
    return f;
  }
}
