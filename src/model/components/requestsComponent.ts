import { LatencyProbe } from "../latencyProbe.js";
import type { MetricRegistry } from "../metrics/registry.js";
import { RequestMetrics } from "../metrics/requestMetrics.js";
import type { RequestListener, RequestPipeline } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";

/**
 * Every request coderd serves: its route's counters and latency histograms per replica, and the latency
 * probes of the HTTP API and the agent API over the traffic window.
 */
export class RequestsComponent implements ModelComponent {
  private readonly agentProbe = new LatencyProbe();
  private readonly apiProbe = new LatencyProbe();
  private metrics: RequestMetrics | undefined;

  constructor(
    private readonly ctx: ModelContext,
    private readonly pipeline: RequestPipeline,
    private readonly replicas: number,
  ) {}

  /** Its series cover every class defined so far: install it after the last class is defined. */
  installMetrics(registry: MetricRegistry): void {
    this.metrics = new RequestMetrics(registry, this.pipeline.definedClasses, this.replicas);
  }

  readonly onRequestDone: RequestListener = (classId, replica, latency, _owner, failed) => {
    this.metrics?.record(classId, replica, latency, failed);
    if (failed) return;
    const cls = this.pipeline.classAt(classId);
    const measured = this.ctx.timeline.inTraffic(this.ctx.sim.now);
    if (cls.http) this.apiProbe.record(latency, measured);
    if (cls.agentApi) this.agentProbe.record(latency, measured);
  };

  figures(): Record<string, number> {
    const agent = this.agentProbe;
    const api = this.apiProbe;
    return {
      agent_api_latency_p50_ms: agent.bucketedQuantile(0.5) * 1000,
      agent_api_latency_p90_ms: agent.bucketedQuantile(0.9) * 1000,
      agent_api_latency_p95_ms: agent.bucketedQuantile(0.95) * 1000,
      agent_api_latency_p90_exact_ms: agent.exactQuantile(0.9) * 1000,
      agent_api_latency_p95_exact_ms: agent.exactQuantile(0.95) * 1000,
      agent_api_latency_p99_exact_ms: agent.exactQuantile(0.99) * 1000,
      api_latency_p95_ms: api.bucketedQuantile(0.95) * 1000,
      api_latency_p95_exact_ms: api.exactQuantile(0.95) * 1000,
      ...this.pipeline.overloadFigures(),
    };
  }
}
