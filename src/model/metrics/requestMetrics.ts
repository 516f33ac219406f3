import type { RequestClass } from "../requestPipeline.js";
import { CODERD_LATENCY_BUCKETS_S, FAMILIES, TARGETS } from "./catalog.js";
import { BucketHistogram, type MetricRegistry, syncedRead } from "./registry.js";

/** Status code of a request cut by a failure (coderd answers 500 when its query fails). */
const FAILED_CODE = "500";

/**
 * coderd's request metrics per replica: `coderd_api_requests_processed_total{code,method,path}` and
 * `coderd_api_request_latencies_seconds{method,path}` for HTTP requests (as coderd's Prometheus
 * middleware records every request, whatever its status), and a capsim histogram per class for coderd's
 * other work. Series share by route, so classes served on one route (report-stats with and without
 * sessions, refused and answered workspace lists) add to the same series.
 */
export class RequestMetrics {
  /** Per class and replica (at classId * replicas + replica): the latency histogram, the counter of its code. */
  private readonly latency: BucketHistogram[];
  private readonly answered: (Float64Array | undefined)[];
  /** Per class, per replica: the counter of a failure. */
  private readonly failed: ((Float64Array | undefined)[] | undefined)[];

  /** `sync` runs before every read of a series (the owner records what it held back). */
  constructor(
    registry: MetricRegistry,
    classes: readonly RequestClass[],
    replicas: number,
    sync: () => void,
  ) {
    const histograms = new Map<string, BucketHistogram>();
    const counters = new Map<string, Float64Array>();
    const counterFor = (replica: number, code: string, cls: RequestClass): Float64Array => {
      const route = cls.route!;
      const key = `${replica} ${code} ${route.method} ${route.path}`;
      let c = counters.get(key);
      if (!c) {
        const cell = new Float64Array(1);
        c = cell;
        counters.set(key, cell);
        registry.series(
          FAMILIES.apiRequests,
          { pod: TARGETS.coderdPod(replica), code, method: route.method, path: route.path },
          syncedRead(sync, () => cell[0]!),
        );
      }
      return c;
    };
    const histogramFor = (replica: number, cls: RequestClass): BucketHistogram => {
      const http = cls.http && cls.route !== undefined;
      const key = http
        ? `${replica} ${cls.route!.method} ${cls.route!.path}`
        : `${replica} class ${cls.name}`;
      let h = histograms.get(key);
      if (!h) {
        const family = http ? FAMILIES.apiLatency : FAMILIES.internalLatency;
        // recordAnswered takes a bucket index on these bounds.
        if (family.buckets !== CODERD_LATENCY_BUCKETS_S)
          throw new RangeError(`${family.name}: not on coderd's latency buckets`);
        h = new BucketHistogram(family.buckets!);
        histograms.set(key, h);
        const pod = TARGETS.coderdPod(replica);
        registry.histogram(
          family,
          http ? { pod, method: cls.route!.method, path: cls.route!.path } : { pod, class: cls.name },
          h,
          sync,
        );
      }
      return h;
    };
    this.replicas = replicas;
    this.latency = classes.flatMap((cls) => Array.from({ length: replicas }, (_, r) => histogramFor(r, cls)));
    const counted = (cls: RequestClass): boolean => cls.http && cls.route !== undefined;
    this.answered = classes.flatMap((cls) =>
      Array.from({ length: replicas }, (_, r) =>
        counted(cls) ? counterFor(r, cls.code ?? "200", cls) : undefined,
      ),
    );
    // A failure's series appears with the first failure, as a Prometheus counter vector's would.
    this.failed = classes.map((cls) =>
      counted(cls) ? new Array<Float64Array | undefined>(replicas) : undefined,
    );
    this.failedCounter = (classId, replica) => counterFor(replica, FAILED_CODE, classes[classId]!);
  }

  private readonly replicas: number;
  private readonly failedCounter: (classId: number, replica: number) => Float64Array;

  /** An answered request of class `classId` finished on `replica`; `bucket` is its latency's on coderd's bounds. */
  recordAnswered(classId: number, replica: number, bucket: number, latencySeconds: number): void {
    const k = classId * this.replicas + replica;
    this.latency[k]!.observeAt(bucket, latencySeconds);
    const answered = this.answered[k];
    if (answered) answered[0]!++;
  }

  /** A request of class `classId` failed on `replica`. */
  recordFailed(classId: number, replica: number, latencySeconds: number): void {
    this.latency[classId * this.replicas + replica]!.observe(latencySeconds);
    const counters = this.failed[classId];
    if (!counters) return;
    counters[replica] ??= this.failedCounter(classId, replica);
    counters[replica]![0]!++;
  }
}
