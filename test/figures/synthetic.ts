import type { Labels, Series, SeriesSet, Window } from "../../src/series/types.js";

/**
 * A SeriesSet shaped as FAMILIES.md says the simulator (and a real Prometheus) holds it, with values
 * chosen so every figure has a hand-computable answer. 15 s scrapes from 0 to 1800 s.
 */
export const STEP = 15;
export const END = 1800;
export const STAGES: Window[] = [
  { name: "prepare", start: 0, end: 600 },
  { name: "ssh", start: 600, end: 1200 },
  { name: "dashboard", start: 1200, end: 1800 },
];

const times = Array.from({ length: END / STEP + 1 }, (_, i) => i * STEP);

function series(labels: Labels, value: (t: number) => number): Series {
  return { labels, times, values: times.map(value) };
}

/** A counter growing at `rate(t)` per second, integrated exactly between scrapes. */
function counter(labels: Labels, rate: (t: number) => number): Series {
  let total = 1000;
  const values = times.map((t, i) => {
    if (i > 0) total += rate(t - STEP / 2) * STEP;
    return total;
  });
  return { labels, times, values };
}

const coder = (pod: string, extra: Labels = {}): Labels => ({ namespace: "coder", pod, ...extra });

export interface SyntheticOptions {
  cadvisor?: boolean;
  process?: boolean;
  cloudsql?: boolean;
  selfhosted?: boolean;
  stageSeries?: boolean;
}

/** Per-pod coderd CPU: pod 0 uses 2 vCPU, pod 1 3.5 vCPU, all the time. */
export const CODERD_CPU = [2, 3.5];
/** Per-pod request rate: 100/s before 1200 s, 175/s from then on (total 200 → 350). */
const rps = (t: number): number => (t < 1200 ? 100 : 175);

export function syntheticSet(opts: SyntheticOptions = {}): SeriesSet {
  const o = { cadvisor: true, process: true, cloudsql: true, selfhosted: false, stageSeries: true, ...opts };
  const out: Series[] = [];
  CODERD_CPU.forEach((cpu, r) => {
    const pod = `coder-${r}`;
    if (o.cadvisor) {
      out.push(
        counter(
          { __name__: "container_cpu_usage_seconds_total", ...coder(pod, { container: "coder" }) },
          () => cpu,
        ),
      );
      out.push(
        series(
          { __name__: "container_memory_working_set_bytes", ...coder(pod, { container: "coder" }) },
          (t) => 1e9 + r * 5e8 + t * 1e5,
        ),
      );
    }
    if (o.process) {
      out.push(
        counter({ __name__: "process_cpu_seconds_total", ...coder(pod, { job: "coder" }) }, () => cpu),
      );
      out.push(
        series(
          { __name__: "process_resident_memory_bytes", ...coder(pod, { job: "coder" }) },
          (t) => 1e9 + r * 5e8 + t * 1e5,
        ),
      );
    }
    out.push(
      counter(
        {
          __name__: "coderd_api_requests_processed_total",
          ...coder(pod, { code: "200", method: "GET", path: "/api/v2/users/me" }),
        },
        rps,
      ),
    );
    out.push(series({ __name__: "coderd_api_concurrent_websockets", ...coder(pod) }, () => 1000 + 400 * r));
    out.push(
      series(
        {
          __name__: "coderd_agents_connections",
          ...coder(pod, { status: "connected", lifecycle_state: "ready" }),
        },
        () => 2000,
      ),
    );
    out.push(
      series(
        {
          __name__: "coderd_agents_connections",
          ...coder(pod, { status: "disconnected", lifecycle_state: "ready" }),
        },
        () => 5,
      ),
    );
    // Agent calls: per second per pod 80 ≤ 50 ms, 10 in (50, 100], 9 in (100, 500], 1 in (500, 1000].
    histogram(
      out,
      coder(pod, { method: "POST", path: "/api/v2/workspaceagents/me/metadata" }),
      { 0.05: 80, 0.1: 90, 0.5: 99, 1: 100 },
      100,
    );
    // Other calls: all within (5, 10] ms.
    histogram(out, coder(pod, { method: "GET", path: "/api/v2/users/me" }), { 0.005: 0, 0.01: 50 }, 50);
  });
  for (let d = 0; d < 3; d++) {
    const pod = `coder-provisioner-${d}`;
    const cpu = (t: number): number => (t < 600 ? 0.3 + 0.05 * d : 0.01);
    if (o.cadvisor)
      out.push(
        counter(
          { __name__: "container_cpu_usage_seconds_total", ...coder(pod, { container: "provisionerd" }) },
          cpu,
        ),
      );
    if (o.process)
      out.push(
        counter({ __name__: "process_cpu_seconds_total", ...coder(pod, { job: "coder-provisioner" }) }, cpu),
      );
  }
  if (o.cloudsql) {
    const db = { database_id: "capsim:coder-db" };
    const cloudsql = "stackdriver_cloudsql_database_cloudsql_googleapis_com_database_";
    out.push(series({ __name__: `${cloudsql}cpu_utilization`, ...db }, () => 0.8));
    out.push(series({ __name__: `${cloudsql}memory_utilization`, ...db }, () => 0.4));
    // Writes of the last 60 s period: 402 (6.7/s) and 504 (8.4/s) in alternate minutes.
    out.push(
      series({ __name__: `${cloudsql}disk_write_ops_count`, ...db }, (t) =>
        Math.floor(t / 60) % 2 === 0 ? 402 : 504,
      ),
    );
  }
  if (o.selfhosted) {
    const node = { instance: "coder-db:9100", job: "node" };
    // Two CPUs compacted to cpu="all": 1.6 CPU-seconds/s busy, 0.4 idle.
    out.push(counter({ __name__: "node_cpu_seconds_total", ...node, cpu: "all", mode: "user" }, () => 1.6));
    out.push(counter({ __name__: "node_cpu_seconds_total", ...node, cpu: "all", mode: "idle" }, () => 0.4));
    out.push(series({ __name__: "node_memory_MemTotal_bytes", ...node }, () => 32e9));
    out.push(series({ __name__: "node_memory_MemAvailable_bytes", ...node }, () => 19.2e9));
    out.push(
      counter({ __name__: "node_disk_writes_completed_total", ...node, device: "sda" }, (t) =>
        t < 1200 ? 6.7 : 8.4,
      ),
    );
  }
  if (o.stageSeries) {
    for (const s of STAGES)
      out.push(
        series({ __name__: "capsim_stage_active", stage: s.name }, (t) =>
          t > s.start && t <= s.end ? 1 : 0,
        ),
      );
  }
  return { series: out, intervalSeconds: STEP };
}

/** A histogram whose bucket counts grow at the given per-second rates. */
function histogram(out: Series[], labels: Labels, perSecond: Record<number, number>, total: number): void {
  const name = "coderd_api_request_latencies_seconds";
  const bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30];
  let below = 0;
  for (const le of bounds) {
    below = perSecond[le] ?? below;
    const rate = below;
    out.push(counter({ __name__: `${name}_bucket`, ...labels, le: String(le) }, () => rate));
  }
  out.push(counter({ __name__: `${name}_bucket`, ...labels, le: "+Inf" }, () => total));
  out.push(counter({ __name__: `${name}_count`, ...labels }, () => total));
  out.push(counter({ __name__: `${name}_sum`, ...labels }, () => total * 0.05));
}

/** The set as OpenMetrics text (seconds timestamps), as capsim's export writes it. */
export function toOpenMetrics(set: SeriesSet): string {
  const lines: string[] = [];
  // OpenMetrics keeps a family's samples together.
  const sorted = [...set.series].sort((a, b) =>
    a.labels.__name__! < b.labels.__name__! ? -1 : a.labels.__name__! > b.labels.__name__! ? 1 : 0,
  );
  for (const s of sorted) {
    const { __name__: name, ...rest } = s.labels;
    const labels = Object.entries(rest)
      .map(([k, v]) => `${k}="${v}"`)
      .join(",");
    for (let i = 0; i < s.times.length; i++) lines.push(`${name}{${labels}} ${s.values[i]} ${s.times[i]}`);
  }
  return `${lines.join("\n")}\n# EOF\n`;
}
