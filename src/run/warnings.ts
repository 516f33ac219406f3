import type { ReplicationResult } from "../model/coderModel.js";
import { plannedEventSeconds, type ScenarioEvent } from "../model/features.js";
import { CODERD_LATENCY_BUCKETS_S } from "../model/metrics/catalog.js";
import { BYTES_PER_GB } from "../model/metrics/coderMetrics.js";
import { eventLabel } from "../model/scaleEvents.js";
import type { Scenario } from "../scenario/index.js";
import { select, selectOne } from "../series/select.js";
import type { BottleneckVerdict } from "./verdict.js";

/** Something a reader must know before trusting the figures (stable JSON shape, docs/output.md). */
export interface RunWarning {
  kind:
    | "stage_overrun"
    | "cleanup_cut_off"
    | "event_outside_stage"
    | "latency_at_cap"
    | "memory_over_limit"
    | "saturated"
    | "queue_growing"
    | "not_steady"
    | "clients_timed_out";
  message: string;
  /** How many of the run's replications showed it. */
  replications: number;
  [detail: string]: unknown;
}

/** The warnings of a run, each once, from every replication's results and the bottleneck verdict. */
export function runWarnings(
  scenario: Scenario,
  results: readonly ReplicationResult[],
  verdict?: BottleneckVerdict,
): RunWarning[] {
  return [
    ...stageOverrun(scenario, results),
    ...cleanupCutOff(results),
    ...eventsOutsideStages(scenario, results),
    ...latenciesAtCap(results),
    ...memoryOverLimit(scenario, results),
    ...(verdict ? overload(verdict, results.length) : []),
    ...clientsTimedOut(scenario, results, verdict),
  ];
}

/** Clients gave up on calls at their timeouts (the model's `overload:`): answered calls are fewer. */
function clientsTimedOut(
  scenario: Scenario,
  results: readonly ReplicationResult[],
  verdict?: BottleneckVerdict,
): RunWarning[] {
  const hit = results.filter((r) => (r.figures.client_timeouts ?? 0) > 0);
  if (hit.length === 0) return [];
  const mean = (k: string) => Math.round(hit.reduce((a, r) => a + (r.figures[k] ?? 0), 0) / hit.length);
  const [timeouts, retries, gaveUp, answered] = [
    mean("client_timeouts"),
    mean("client_retries"),
    mean("client_gave_up"),
    mean("client_answered"),
  ];
  const of = results.length > 1 ? ` (in ${hit.length} of ${results.length} replications, mean)` : "";
  return [
    {
      kind: "clients_timed_out",
      timeouts,
      retries,
      gave_up: gaveUp,
      answered,
      replications: hit.length,
      message:
        `clients timed out ${timeouts} times${of}, sent ${retries} retries and went on without an answer ` +
        `${gaveUp} times (${answered} calls answered in time): ${timeoutCause(scenario, verdict)} ` +
        "(docs/model.md, Overload)",
    },
  ];
}

/** What the run shows behind the timeouts: only a cause its verdict or its events support. */
export function timeoutCause(
  scenario: Pick<Scenario, "events">,
  verdict?: Pick<BottleneckVerdict, "saturated">,
): string {
  if (!verdict) return "the bottleneck verdict says whether a resource was saturated";
  const saturated = verdict.saturated;
  if (saturated.length > 0) return `${saturated.join(", ")} saturated and goodput fell`;
  const events = (scenario.events ?? []).map(eventLabel);
  if (events.length > 0)
    return `no resource was saturated over a window: they came during the scenario's events (${events.join(", ")}) or a short burst`;
  return "no resource was saturated over a window: they came in a burst shorter than the verdict's 5 minutes";
}

/** A saturated resource, each growing queue, and that an overloaded run's figures are no steady state. */
function overload(verdict: BottleneckVerdict, replications: number): RunWarning[] {
  const warnings: RunWarning[] = [];
  const of = (n: number) => (replications > 1 ? ` (in ${n} of ${replications} replications)` : "");
  for (const resource of verdict.saturated) {
    const evidence = verdict.evidence.filter((e) => e.resource === resource);
    const windows = [...new Set(evidence.flatMap((e) => e.windows))];
    const n = Math.max(0, ...evidence.map((e) => e.replications));
    warnings.push({
      kind: "saturated",
      resource,
      windows,
      evidence: [...new Set(evidence.map((e) => e.kind))],
      replications: n,
      message: `${resource} is saturated${of(n)}: ${evidence.map((e) => e.message).join("; ")}`,
    });
  }
  for (const e of verdict.evidence.filter((x) => x.kind === "queue_growing"))
    warnings.push({
      kind: "queue_growing",
      resource: e.resource,
      window: e.window,
      windows: e.windows,
      slope_per_s: e.slope_per_s,
      replications: e.replications,
      message: `${e.message}${of(e.replications)}: arrivals outran service`,
    });
  const overloaded =
    verdict.saturated.length > 0 || verdict.evidence.some((e) => e.kind === "latency_at_cap");
  if (overloaded) {
    const windows = [...new Set(verdict.evidence.flatMap((e) => e.windows))];
    warnings.push({
      kind: "not_steady",
      windows,
      replications: Math.max(0, ...verdict.evidence.map((e) => e.replications)),
      message:
        `the run was overloaded in ${windows.join(", ")}: its figures are not a steady state's ` +
        "(latencies and queues depend on how long the overload lasted, not on the load alone)",
    });
  }
  return warnings;
}

const fmt = (v: number, digits = 3): string => Number(v.toPrecision(digits)).toString();
const affected = (n: number, results: readonly unknown[]) =>
  results.length > 1 ? ` (in ${n} of ${results.length} replications)` : "";

function stageOverrun(scenario: Scenario, results: readonly ReplicationResult[]): RunWarning[] {
  const prepare = scenario.stages.find((s) => s.name === "prepare");
  const overruns = results.map((r) => r.timeline.prepareOverrunSeconds).filter((s) => s > 0);
  if (!prepare || overruns.length === 0) return [];
  const worst = Math.max(...overruns);
  return [
    {
      kind: "stage_overrun",
      stage: "prepare",
      planned_s: prepare.duration_s,
      overrun_s: worst,
      replications: overruns.length,
      message:
        `prepare overran its planned ${fmt(prepare.duration_s)} s by up to ${fmt(worst)} s${affected(overruns.length, results)}: ` +
        "the stages after it started that much later (see stages); its build figures cover all its builds",
    },
  ];
}

/** Agents still connected at the end of cleanup: its deletes did not finish in the planned time. */
function cleanupCutOff(results: readonly ReplicationResult[]): RunWarning[] {
  const left = results
    .map((r) => {
      const cleanup = r.timeline.stage("cleanup");
      return cleanup ? valueAt(r, "capsim_agents_connected", cleanup.endSeconds) : 0;
    })
    .filter((n) => n > 0);
  if (left.length === 0) return [];
  const worst = Math.max(...left);
  return [
    {
      kind: "cleanup_cut_off",
      stage: "cleanup",
      agents_connected: worst,
      replications: left.length,
      message:
        `cleanup ended with up to ${worst} agents still connected${affected(left.length, results)}: ` +
        "its deletes had not finished; lengthen cleanup or raise cleanup_concurrency or provisioners",
    },
  ];
}

/** The last scrape at or before t of the one series of a name. */
function valueAt(rep: ReplicationResult, name: string, t: number): number {
  const series = selectOne(rep.metrics, name);
  let v = Number.NaN;
  if (!series) return v;
  for (let i = 0; i < series.times.length && series.times[i]! <= t + 1e-9; i++) v = series.values[i]!;
  return v;
}

const stagesAt = (windows: readonly { name: string; start: number; end: number }[], t: number): string[] =>
  windows.filter((w) => t >= w.start && t < w.end).map((w) => w.name);

/**
 * An event meant for a stage that happened outside it: an absolute time whose stage moved away (prepare
 * overran), or a stage-relative offset past the stage's end.
 */
function eventsOutsideStages(scenario: Scenario, results: readonly ReplicationResult[]): RunWarning[] {
  const planned = scenario.stages.map((s) => ({
    name: s.name,
    start: s.start_s,
    end: s.start_s + s.duration_s,
  }));
  const warnings: RunWarning[] = [];
  for (const e of scenario.events ?? []) {
    const label = eventLabel(e);
    const intended = e.at ? [e.at.stage] : stagesAt(planned, plannedEventSeconds(e, scenario.stages));
    if (intended.length === 0) continue;
    const misses = results
      .map((r) => {
        const at = r.figures[`disruption_at_s{event="${label}"}`] ?? plannedEventSeconds(e, scenario.stages);
        const actual = r.timeline.stages.map((s) => ({
          name: s.name,
          start: s.startSeconds,
          end: s.endSeconds,
        }));
        const fell = stagesAt(actual, at);
        return intended.every((s) => fell.includes(s)) ? undefined : { at, fell };
      })
      .filter((m) => m !== undefined);
    if (misses.length === 0) continue;
    const first = misses[0]!;
    warnings.push({
      kind: "event_outside_stage",
      event: label,
      intended_stages: intended,
      actual_stages: first.fell,
      at_s: first.at,
      replications: misses.length,
      message:
        `event ${label} was meant for ${intended.join("+")} but happened at ${fmt(first.at, 6)} s in ` +
        `${first.fell.length > 0 ? first.fell.join("+") : "no stage"}${affected(misses.length, results)}` +
        hint(e),
    });
  }
  return warnings;
}

const hint = (e: ScenarioEvent): string =>
  e.at
    ? `: its offset_s ${fmt(e.at.offset_s)} is past the stage's end`
    : ": prepare overran and moved the stages; place it with at: {stage, offset_s} to move with its stage";

/** Quantiles read from coderd's histogram, and their exact counterparts. */
const BUCKETED: readonly [string, string | undefined][] = [
  ["agent_api_latency_p50_ms", undefined],
  ["agent_api_latency_p90_ms", "agent_api_latency_p90_exact_ms"],
  ["agent_api_latency_p95_ms", "agent_api_latency_p95_exact_ms"],
  ["api_latency_p95_ms", "api_latency_p95_exact_ms"],
];

/** A histogram quantile past the top finite bucket reads as that bucket's bound: the truth is higher. */
function latenciesAtCap(results: readonly ReplicationResult[]): RunWarning[] {
  const capMs = CODERD_LATENCY_BUCKETS_S.at(-1)! * 1000;
  const warnings: RunWarning[] = [];
  for (const [metric, exact] of BUCKETED) {
    const capped = results.filter((r) => (r.figures[metric] ?? 0) >= capMs - 1e-6);
    if (capped.length === 0) continue;
    const exactMs = exact ? Math.max(...capped.map((r) => r.figures[exact] ?? Number.NaN)) : Number.NaN;
    warnings.push({
      kind: "latency_at_cap",
      metric,
      cap_ms: capMs,
      ...(Number.isFinite(exactMs) ? { exact_ms: exactMs } : {}),
      replications: capped.length,
      message:
        `${metric} is at coderd's top histogram bucket (${fmt(capMs / 1000)} s)${affected(capped.length, results)}: ` +
        `the true quantile is higher${Number.isFinite(exactMs) ? ` (${exact} ${fmt(exactMs)} ms)` : ""}; the deployment is saturated`,
    });
  }
  return warnings;
}

/** Pods whose memory peaked over their limit: coderd replicas and workspace proxy replicas. */
function memoryOverLimit(scenario: Scenario, results: readonly ReplicationResult[]): RunWarning[] {
  const limits = new Map<string, number>();
  const proxyLimits = new Map(
    (scenario.geography?.regions ?? []).map((region) => [region.name, region.proxy?.memory_gb]),
  );
  const peaksByPod = new Map<string, number[]>();
  for (const r of results) {
    const pods = [
      ...select(r.metrics, "container_memory_working_set_bytes", { container: "coder" }).map((s) => ({
        s,
        limitGb: scenario.deployment.coderd.memory_gb,
      })),
      ...select(r.metrics, "capsim_wsproxy_memory_bytes").map((s) => ({
        s,
        limitGb: proxyLimits.get(s.labels.region ?? ""),
      })),
    ];
    for (const { s, limitGb } of pods) {
      const pod = s.labels.pod ?? "";
      if (limitGb === undefined) continue;
      limits.set(pod, limitGb);
      let peak = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < s.values.length; i++)
        if (Number.isFinite(s.values[i]!)) peak = Math.max(peak, s.values[i]!);
      const peakGb = peak / BYTES_PER_GB;
      if (peakGb > limitGb) peaksByPod.set(pod, [...(peaksByPod.get(pod) ?? []), peakGb]);
    }
  }
  const warnings: RunWarning[] = [];
  for (const [pod, peaks] of peaksByPod) {
    const peak = Math.max(...peaks);
    const limitGb = limits.get(pod)!;
    warnings.push({
      kind: "memory_over_limit",
      pod,
      peak_gb: peak,
      limit_gb: limitGb,
      replications: peaks.length,
      message:
        `${pod} peaked at ${fmt(peak)} GB over its ${fmt(limitGb)} GB limit${affected(peaks.length, results)}: ` +
        "Kubernetes would kill it (OOMKilled); the figures assume it kept running",
    });
  }
  return warnings;
}
