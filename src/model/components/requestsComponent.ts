import { LatencyProbe } from "../latencyProbe.js";
import { CODERD_LATENCY_BUCKETS_S } from "../metrics/catalog.js";
import { bucketOf, type MetricRegistry } from "../metrics/registry.js";
import { RequestMetrics } from "../metrics/requestMetrics.js";
import { RequestBatch } from "../requestBatch.js";
import type { RequestListener, RequestPipeline } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";

/** Finished requests held back before they are recorded (a flush also runs before every read). */
const BATCH = 4096;

/** Bits of the probes a class's requests feed. */
const API = 1;
const AGENT_API = 2;

/**
 * Every request coderd serves: its route's counters and latency histograms per replica, and the latency
 * probes of the HTTP API and the agent API over the traffic window. Answered requests are recorded in
 * batches, before every scrape of the series and before the figures.
 */
export class RequestsComponent implements ModelComponent {
  private readonly agentProbe = new LatencyProbe();
  private readonly apiProbe = new LatencyProbe();
  private metrics: RequestMetrics | undefined;
  private readonly pending: RequestBatch;
  private probes = new Uint8Array(0);

  constructor(
    private readonly ctx: ModelContext,
    private readonly pipeline: RequestPipeline,
    private readonly replicas: number,
    batch = BATCH,
  ) {
    this.pending = new RequestBatch(batch, (b) => this.record(b));
  }

  /** Its series cover every class defined so far: install it after the last class is defined. */
  installMetrics(registry: MetricRegistry): void {
    this.metrics = new RequestMetrics(registry, this.pipeline.definedClasses, this.replicas, () =>
      this.pending.flush(),
    );
  }

  readonly onRequestDone: RequestListener = (classId, replica, latency, _owner, failed) => {
    if (!failed) {
      this.pending.push(classId, replica, latency, this.ctx.timeline.inTraffic(this.ctx.sim.now));
      return;
    }
    // A first failure registers its counter's series: recorded now, after the requests before it.
    this.pending.flush();
    this.metrics?.recordFailed(classId, replica, latency);
  };

  private record(b: RequestBatch): void {
    const metrics = this.metrics;
    const probes = this.probesByClass();
    for (let i = 0; i < b.length; i++) {
      const classId = b.classId[i]!;
      const latency = b.latency[i]!;
      // One bucket index for the histogram and the probes: both are on coderd's bounds.
      const bucket = bucketOf(CODERD_LATENCY_BUCKETS_S, latency);
      metrics?.recordAnswered(classId, b.replica[i]!, bucket, latency);
      if (b.measured[i] === 0) continue;
      const p = probes[classId]!;
      if (p & API) this.apiProbe.recordAt(bucket, latency);
      if (p & AGENT_API) this.agentProbe.recordAt(bucket, latency);
    }
  }

  /** Per class, the probes its requests feed (API, AGENT_API), kept as long as the classes defined. */
  private probesByClass(): Uint8Array {
    const classes = this.pipeline.definedClasses;
    if (this.probes.length !== classes.length)
      this.probes = Uint8Array.from(classes, (c) => (c.http ? API : 0) | (c.agentApi ? AGENT_API : 0));
    return this.probes;
  }

  figures(): Record<string, number> {
    this.pending.flush();
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
