/**
 * The proof that capsim's evaluator is Prometheus: the same samples go into a real Prometheus (through
 * promtool's TSDB blocks) and into evaluateRange, and every value of ~40 range queries must agree.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { evaluateRange, type Matrix } from "../../src/promql/index.js";
import type { Series, SeriesSet } from "../../src/series/types.js";
import {
  describeWithPrometheus,
  type PrometheusServer,
  queryRange,
  startPrometheus,
} from "../helpers/prometheus.js";

/** Whole hours three days ago: old enough to be loaded as blocks, recent enough for retention. */
const T0 = Math.floor((Date.now() / 1000 - 3 * 86400) / 3600) * 3600;
const SCRAPE_MS = 15_000;
const SAMPLES = 480; // two hours

/** Deterministic uniform [0,1) (mulberry32), so the data is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sampled {
  labels: Record<string, string>;
  timesMs: number[];
  values: number[];
}

/** Scrape times (with up to ±40 ms of jitter unless on the exact grid), written as seconds with 3 decimals that Go reads back exactly. */
function scrapeTimes(random: () => number, from = 0, to = SAMPLES, jitter = true): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const ms = T0 * 1000 + i * SCRAPE_MS + (jitter ? Math.round((random() - 0.5) * 80) : 0);
    out.push(Math.trunc(Number((ms / 1000).toFixed(3)) * 1000) === ms ? ms : T0 * 1000 + i * SCRAPE_MS);
  }
  return out;
}

function counter(
  random: () => number,
  labels: Record<string, string>,
  perScrape: number,
  resetAt?: number,
): Sampled {
  // coder-0 scrapes land exactly on the grid, so window edges fall on samples (2.x includes them, 3.x not).
  const timesMs = scrapeTimes(random, 0, SAMPLES, labels.pod !== "coder-0");
  let v = random() * 1000;
  const values = timesMs.map((_, i) => {
    if (i === resetAt) v = 0;
    v += perScrape * (0.5 + random());
    return v;
  });
  return { labels, timesMs, values };
}

function dataset(): Sampled[] {
  const random = rng(20_000);
  const out: Sampled[] = [];
  const pods = ["coder-0", "coder-1", "coder-2"];
  for (const pod of pods) {
    const base = { namespace: "coder", pod };
    out.push(
      counter(
        random,
        { __name__: "container_cpu_usage_seconds_total", ...base, container: "coder" },
        15 * 1.2,
        pod === "coder-1" ? 200 : undefined,
      ),
    );
    for (const code of ["200", "500"])
      out.push(
        counter(
          random,
          {
            __name__: "coderd_api_requests_processed_total",
            ...base,
            code,
            method: "GET",
            path: "/api/v2/users",
          },
          code === "200" ? 300 : 3,
        ),
      );
    const memTimes = scrapeTimes(random);
    out.push({
      labels: { __name__: "container_memory_working_set_bytes", ...base, container: "coder" },
      timesMs: memTimes,
      values: memTimes.map((_, i) => 1.2e9 + 4e8 * Math.sin(i / 40 + pods.indexOf(pod)) + random() * 1e7),
    });
    // A gauge with a 20-minute gap on coder-2 (longer than the 5 min lookback).
    const wsTimes = scrapeTimes(random, 0, SAMPLES, pod !== "coder-2").filter(
      (_, i) => pod !== "coder-2" || i < 150 || i >= 230,
    );
    out.push({
      labels: { __name__: "coderd_api_concurrent_websockets", ...base },
      timesMs: wsTimes,
      values: wsTimes.map(() => Math.floor(random() * 200)),
    });
    // Histogram on coderd's buckets: cumulative counts per le, with _sum and _count.
    const bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30, Number.POSITIVE_INFINITY];
    for (const path of ["/api/v2/users", "/api/v2/workspaces"]) {
      const times = scrapeTimes(random);
      const cum = bounds.map(() => 0);
      const series = bounds.map(() => [] as number[]);
      const sums: number[] = [];
      const counts: number[] = [];
      let sum = 0;
      for (let i = 0; i < times.length; i++) {
        const n = Math.floor(random() * 50);
        for (let j = 0; j < n; j++) {
          const x = -Math.log(1 - random()) * (path === "/api/v2/users" ? 0.08 : 0.6);
          sum += x;
          bounds.forEach((b, k) => {
            if (x <= b) cum[k]!++;
          });
        }
        for (let k = 0; k < bounds.length; k++) series[k]!.push(cum[k]!);
        sums.push(sum);
        counts.push(cum[cum.length - 1]!);
      }
      const h = { ...base, method: "GET", path };
      bounds.forEach((b, k) => {
        out.push({
          labels: {
            __name__: "coderd_api_request_latencies_seconds_bucket",
            ...h,
            le: b === Infinity ? "+Inf" : String(b),
          },
          timesMs: times,
          values: series[k]!,
        });
      });
      out.push({
        labels: { __name__: "coderd_api_request_latencies_seconds_sum", ...h },
        timesMs: times,
        values: sums,
      });
      out.push({
        labels: { __name__: "coderd_api_request_latencies_seconds_count", ...h },
        timesMs: times,
        values: counts,
      });
    }
  }
  // A replica that starts half-way with a counter that starts high (extrapolation and the zero-point clamp).
  const lateTimes = scrapeTimes(random, 240, SAMPLES);
  out.push({
    labels: {
      __name__: "container_cpu_usage_seconds_total",
      namespace: "coder",
      pod: "coder-3",
      container: "coder",
    },
    timesMs: lateTimes,
    values: lateTimes.map((_, i) => 3 + i * 17.5),
  });
  // Starts at 12 with 17.5 per scrape: the zero point is 10.3 s before the first sample, between half
  // and 1.1 scrape intervals, where Prometheus 2.42 and 3 extrapolate differently.
  out.push({
    labels: {
      __name__: "container_cpu_usage_seconds_total",
      namespace: "coder",
      pod: "coder-4",
      container: "coder",
    },
    timesMs: lateTimes,
    values: lateTimes.map((_, i) => 12 + i * 17.5),
  });
  return out;
}

function toSeriesSet(data: readonly Sampled[]): SeriesSet {
  const series: Series[] = data.map((d) => ({
    labels: d.labels,
    times: d.timesMs.map((t) => t / 1000),
    values: d.values,
  }));
  return { series, intervalSeconds: 15 };
}

function toOpenMetrics(data: readonly Sampled[]): string {
  const lines: string[] = [];
  const byName = new Map<string, Sampled[]>();
  for (const d of data) byName.set(d.labels.__name__!, [...(byName.get(d.labels.__name__!) ?? []), d]);
  for (const [name, list] of byName) {
    lines.push(`# TYPE ${name} unknown`);
    for (const d of list) {
      const labels = Object.entries(d.labels)
        .filter(([k]) => k !== "__name__")
        .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)
        .join(",");
      d.timesMs.forEach((t, i) => {
        lines.push(`${name}{${labels}} ${d.values[i]} ${(t / 1000).toFixed(3)}`);
      });
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

const QUERIES = [
  "rate(coderd_api_requests_processed_total[1m])",
  "rate(coderd_api_requests_processed_total[90s])",
  "increase(coderd_api_requests_processed_total[5m])",
  "irate(coderd_api_requests_processed_total[1m])",
  "delta(container_memory_working_set_bytes[2m])",
  "idelta(container_memory_working_set_bytes[1m])",
  'sum by (pod) (rate(container_cpu_usage_seconds_total{container="coder"}[1m]))',
  "increase(container_cpu_usage_seconds_total[10m])",
  "sum without (code) (rate(coderd_api_requests_processed_total[1m]))",
  "sum(rate(coderd_api_requests_processed_total[$__rate_interval])) by (code)",
  "avg(container_memory_working_set_bytes)",
  "max by (pod) (container_memory_working_set_bytes) / 1024 / 1024",
  "min(container_memory_working_set_bytes)",
  "count(coderd_api_concurrent_websockets)",
  "quantile(0.95, container_memory_working_set_bytes)",
  'quantile by (code) (0.5, rate(coderd_api_requests_processed_total{code=~"2..|5.."}[1m]))',
  "stddev(container_memory_working_set_bytes)",
  // NaN samples (0/0): Prometheus sorts them before every number and min/max replace them.
  "quantile(0.4, (container_memory_working_set_bytes > bool 1.3e9) / (container_memory_working_set_bytes > bool 1.3e9))",
  "quantile(0.8, (container_memory_working_set_bytes > bool 1.3e9) / (container_memory_working_set_bytes > bool 1.3e9))",
  "min((container_memory_working_set_bytes > bool 1.3e9) / (container_memory_working_set_bytes > bool 1.3e9)) + max((container_memory_working_set_bytes > bool 1.3e9) / (container_memory_working_set_bytes > bool 1.3e9))",
  "histogram_quantile(0.95, sum by (le) (rate(coderd_api_request_latencies_seconds_bucket[1m])))",
  "histogram_quantile(0.5, sum by (le, path) (rate(coderd_api_request_latencies_seconds_bucket[5m])))",
  "histogram_quantile(0.99, rate(coderd_api_request_latencies_seconds_bucket[2m]))",
  "sum(rate(coderd_api_request_latencies_seconds_sum[1m])) / sum(rate(coderd_api_request_latencies_seconds_count[1m]))",
  "avg_over_time(container_memory_working_set_bytes[5m])",
  "max_over_time(coderd_api_concurrent_websockets[1m])",
  "min_over_time(coderd_api_concurrent_websockets[3m])",
  "sum_over_time(coderd_api_concurrent_websockets[2m])",
  "count_over_time(coderd_api_concurrent_websockets[10m])",
  "last_over_time(coderd_api_concurrent_websockets[10m])",
  "quantile_over_time(0.9, container_memory_working_set_bytes[10m])",
  "coderd_api_concurrent_websockets",
  "container_memory_working_set_bytes / on(pod) sum by (pod) (rate(container_cpu_usage_seconds_total[1m]))",
  'rate(coderd_api_requests_processed_total{code="500"}[1m]) / ignoring(code) rate(coderd_api_requests_processed_total{code="200"}[1m])',
  "container_memory_working_set_bytes * on(pod) group_left coderd_api_concurrent_websockets",
  "sum by (pod) (rate(coderd_api_requests_processed_total[1m])) > bool 20",
  "container_memory_working_set_bytes > 1.4e9",
  "30 < coderd_api_concurrent_websockets",
  "abs(delta(container_memory_working_set_bytes[1m]))",
  "clamp_max(rate(container_cpu_usage_seconds_total[1m]), 1.5) + clamp_min(rate(container_cpu_usage_seconds_total[1m]), 1)",
  "scalar(sum(coderd_api_concurrent_websockets)) * 2 - vector(1)",
  "time() - scalar(count(coderd_api_concurrent_websockets)) ^ 2 % 7",
  'label_replace(coderd_api_concurrent_websockets, "replica", "$1", "pod", "coder-(.*)")',
  "coderd_api_concurrent_websockets and on(pod) (container_memory_working_set_bytes > 1.2e9)",
  "coderd_api_concurrent_websockets unless on(pod) (container_memory_working_set_bytes > 1.2e9)",
  "count by (pod) (coderd_api_concurrent_websockets) or on(pod) count by (pod) (container_memory_working_set_bytes)",
  "rate(container_cpu_usage_seconds_total[1m] offset 5m)",
  "-rate(container_cpu_usage_seconds_total[2m])",
  "topk(2, container_memory_working_set_bytes)",
  "resets(container_cpu_usage_seconds_total[10m]) + ignoring(container) changes(coderd_api_concurrent_websockets[10m])",
];

const VARS = { __rate_interval: 60 };

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Differences between two answers, as readable lines (empty when they agree). */
function differences(ours: Matrix, theirs: Matrix): string[] {
  const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort());
  const out: string[] = [];
  const mine = new Map(ours.map((s) => [key(s.labels), s]));
  for (const t of theirs) {
    const o = mine.get(key(t.labels));
    mine.delete(key(t.labels));
    if (!o) {
      out.push(`missing series ${key(t.labels)}`);
      continue;
    }
    const ov = new Map(o.times.map((x, i) => [x, o.values[i]!]));
    for (let i = 0; i < t.times.length; i++) {
      const v = ov.get(t.times[i]!);
      ov.delete(t.times[i]!);
      if (v === undefined) out.push(`${key(t.labels)} @${t.times[i]}: missing, Prometheus ${t.values[i]}`);
      else if (!sameValue(v, t.values[i]!))
        out.push(`${key(t.labels)} @${t.times[i]}: ${v} vs Prometheus ${t.values[i]}`);
    }
    for (const [time, v] of ov) out.push(`${key(t.labels)} @${time}: extra ${v}`);
  }
  for (const k of mine.keys()) out.push(`extra series ${k}`);
  return out;
}

describeWithPrometheus("evaluateRange agrees with a real Prometheus", (tools) => {
  const data = dataset();
  const set = toSeriesSet(data);
  let prom: PrometheusServer | undefined;

  beforeAll(async () => {
    prom = await startPrometheus(tools, { openMetrics: toOpenMetrics(data) });
  });
  afterAll(async () => {
    await prom?.stop();
  });

  // Steps on the scrape grid (window edges land on samples) and off it.
  const ranges = [
    { start: T0 + 600, end: T0 + 7200 - 600, step: 15 },
    { start: T0 + 17, end: T0 + 7200 + 400, step: 37 },
  ];

  it.each(QUERIES)("%s", async (query) => {
    const text = query.replace("$__rate_interval", `${VARS.__rate_interval}s`);
    for (const range of ranges) {
      const theirs = await queryRange(prom!.url, text, range.start, range.end, range.step);
      const ours = evaluateRange(query, set, range, { vars: VARS });
      expect(theirs.length, "Prometheus returned no series: the test data is not loaded").toBeGreaterThan(0);
      expect(differences(ours, theirs).slice(0, 10)).toEqual([]);
    }
  });

  it("can tell Prometheus 2.42 from Prometheus 3 semantics (the comparison is not vacuous)", async () => {
    const range = ranges[0]!;
    // Window edges on samples (coder-0), rate's zero point (coder-4), the lookback edge (coder-2's gap).
    for (const query of [
      'rate(coderd_api_requests_processed_total{pod="coder-0"}[1m])',
      'increase(container_cpu_usage_seconds_total{pod="coder-4"}[5m])',
      'coderd_api_concurrent_websockets{pod="coder-2"}',
    ]) {
      const theirs = await queryRange(prom!.url, query, range.start, range.end, range.step);
      const v3 = evaluateRange(query, set, range, { prometheusMajor: 3 });
      expect(differences(v3, theirs).length, query).toBeGreaterThan(0);
    }
  });
});
