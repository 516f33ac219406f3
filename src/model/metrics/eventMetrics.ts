import type { Simulation } from "../../engine/simulation.js";
import { QuantileSketch } from "../../engine/stats/quantileSketch.js";
import type { Database } from "../database.js";
import type { ScaleEvents } from "../scaleEvents.js";
import { FAMILIES, QUEUE_WAIT_BUCKETS_S } from "./catalog.js";
import { BucketHistogram, type MetricRegistry } from "./registry.js";

/** Length of the windows the disruption figures' request p95 is taken over (the default scrape interval). */
const P95_WINDOW_S = 15;

/** A request slower than this counts as delayed by an event. */
const SLOW_REQUEST_S = 1;

/**
 * What the disruption figures read: every request's latency as a p95 per fixed 15 s window (on its own
 * clock, so the scrape interval changes nothing), slow and failed requests, pending reconnects.
 */
export class EventMetrics {
  private readonly window = new QuantileSketch();
  private lastP95 = Number.NaN;
  slowRequests = 0;
  failedRequests = 0;

  /** Build it before the sampler starts: at a shared instant its window closes before the scrape. */
  constructor(sim: Simulation) {
    const close = (): void => {
      this.lastP95 = this.window.count > 0 ? this.window.quantile(0.95) : Number.NaN;
      this.window.reset();
      sim.after(P95_WINDOW_S, close);
    };
    sim.after(0, close);
  }

  requestFailed(): void {
    this.failedRequests++;
  }

  requestDone(latencySeconds: number): void {
    this.window.add(latencySeconds);
    if (latencySeconds > SLOW_REQUEST_S) this.slowRequests++;
  }

  get p95Seconds(): number {
    return this.lastP95;
  }
}

export function eventFamilies(
  registry: MetricRegistry,
  m: EventMetrics,
  events: ScaleEvents,
  database: Database,
): void {
  registry.series(FAMILIES.requestLatencyP95, {}, () => m.p95Seconds);
  registry.series(FAMILIES.slowRequests, {}, () => m.slowRequests);
  registry.series(FAMILIES.failedRequests, {}, () => m.failedRequests);
  registry.series(FAMILIES.reconnectsPending, {}, () => events.reconnectsPending);
  registry.series(FAMILIES.dbPaused, {}, () => (database.paused ? 1 : 0));
}

/** coderd_provisioner_job_queue_wait_seconds by transition; returns the recorder. */
export function queueWaitFamily(registry: MetricRegistry): (waitSeconds: number, isDelete: boolean) => void {
  const start = new BucketHistogram(QUEUE_WAIT_BUCKETS_S);
  const remove = new BucketHistogram(QUEUE_WAIT_BUCKETS_S);
  registry.histogram(
    FAMILIES.provisionerQueueWait,
    { job_type: "workspace_build", transition: "start" },
    start,
  );
  registry.histogram(
    FAMILIES.provisionerQueueWait,
    { job_type: "workspace_build", transition: "delete" },
    remove,
  );
  return (wait, isDelete) => (isDelete ? remove : start).observe(wait);
}
