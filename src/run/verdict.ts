import { intervalBounds, UNIT_RANGE } from "../engine/stats/confidence.js";
import type { ReplicationResult } from "../model/coderModel.js";
import { CODERD_LATENCY_BUCKETS_S } from "../model/metrics/catalog.js";
import { TRAFFIC_STAGES } from "../model/timeline.js";
import type { Scenario } from "../scenario/index.js";
import type { UsersPrediction } from "../uncertainty/usersPrediction.js";
import { NO_USERS_CI, type UsersCi95, usersAt, usersCi95 } from "./usersAt.js";
import { LATENCY_HISTOGRAMS, resourceSeries, stepsOf, windowP95 } from "./verdictSeries.js";
import { queueGrowth, type Span, windowUtilization } from "./verdictWindows.js";

/** One resource in one window (stable JSON shape, docs/output.md). */
export interface WindowResource {
  resource: string;
  kind: string;
  /** Mean utilisation over the window, 0..1. */
  utilization: number;
  /** The worst sustained load: the highest 5-minute mean, sliding over scrape steps. */
  worst_5m: { utilization: number; end_s: number };
  /** Steady load in the window (every 5-minute block within 10 % or 2 points of the mean). */
  steady: boolean;
  saturated: boolean;
}

export interface VerdictWindow {
  name: string;
  start_s: number;
  end_s: number;
  resources: WindowResource[];
}

/** The first resource whose 5-minute mean reached a level, where and when. */
export interface Crossing {
  resource: string;
  window: string;
  /** End of the first 5 minutes at or over the level (the earliest over replications). */
  at_s: number;
  /** The resource's worst 5 minutes in that window. */
  utilization: number;
}

export interface NearTie {
  resource: string;
  window: string;
  utilization: number;
  /** Percentage points from the named resource (positive = below it). */
  points_behind: number;
}

/** What one replication showed. */
interface Found {
  kind: "utilization_at_capacity" | "unmet_fluid_load" | "queue_growing" | "latency_at_cap";
  /** The resource it speaks for; null when it points at no modelled resource. */
  resource: string | null;
  window: string;
  message: string;
  [detail: string]: unknown;
}

export interface Evidence extends Found {
  /** Every window it held in (`window` is the first). */
  windows: string[];
  /** How many replications showed it. */
  replications: number;
}

/** The bottleneck block of the summary: the fields it always had, plus the window verdict. */
export interface BottleneckVerdict extends UsersCi95 {
  resource: string;
  /** The named resource's worst 5 minutes in its window. */
  utilization: number;
  users_at_80pct: number | null;
  users_at_100pct: number | null;
  /** 90 % prediction intervals over the draws (src/uncertainty); run only, null without draws. */
  users_at_80pct_prediction?: UsersPrediction | null;
  users_at_100pct_prediction?: UsersPrediction | null;
  method: string;
  /** The window the named resource is judged in. */
  window: string | null;
  windows: VerdictWindow[];
  first_80: Crossing | null;
  first_100: Crossing | null;
  near_ties: NearTie[];
  /** Resources saturated in some window (by utilisation, unmet load, queue growth or latency at the cap). */
  saturated: string[];
  evidence: Evidence[];
  /** Each resource's busiest window (highest window mean): what `plan` and `limit` hold to the cap. */
  busiest_windows: BusiestWindow[];
}

/** A resource's highest window-mean utilisation, where, and its 95 % CI over replications (null with one). */
export interface BusiestWindow {
  resource: string;
  window: string;
  utilization: number;
  ci95: [number, number] | null;
}

/** A 5-minute mean at or over this is "100 %" (a CPU's fluid share is capped at 99 %). */
export const FULL = 0.98;
/** Near-tie: within this many utilisation points of the named resource. */
export const NEAR_TIE_POINTS = 0.05;
const CAP_SECONDS = CODERD_LATENCY_BUCKETS_S.at(-1)!;

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const secs = (v: number): string => `${Math.round(v)} s`;

/**
 * The windows that matter: every traffic stage as it actually ran, the workday, and, where stages overlap,
 * each phase in which the same stages run (the load of a phase is steady; a stage spanning phases is not).
 * All past warm-up.
 */
function windowsOf(rep: ReplicationResult): Span[] {
  const warmup = rep.timeline.warmupSeconds;
  const stages = rep.timeline.stages.filter((s) => TRAFFIC_STAGES.includes(s.name));
  const spans: Span[] = stages.map((s) => ({ name: s.name, start: s.startSeconds, end: s.endSeconds }));
  const day = rep.timeline.workday;
  if (day) spans.push({ name: "workday", start: day.startSeconds, end: day.endSeconds });
  const cuts = [...new Set(stages.flatMap((s) => [s.startSeconds, s.endSeconds]))].sort((a, b) => a - b);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i]!, cuts[i + 1]!];
    const active = stages.filter((s) => s.startSeconds <= start && s.endSeconds >= end).map((s) => s.name);
    const whole = spans.some((w) => w.start === start && w.end === end);
    if (active.length > 0 && !whole)
      spans.push({ name: active.length > 1 ? active.join("+") : `${active[0]} only`, start, end });
  }
  return spans
    .map((w) => ({ ...w, start: Math.max(w.start, warmup) }))
    .filter((w) => w.end > w.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

interface RepCell extends WindowResource {
  at80: number;
  at100: number;
  /** The worst 5 minutes less sampling error: what near-ties and the highest resource are judged on. */
  sure: number;
  /** Each replication's window-mean utilisation: the noise of the extrapolation. */
  utilizations: number[];
}

interface RepVerdict {
  windows: { span: Span; cells: RepCell[] }[];
  evidence: Found[];
}

/** One replication's window statistics and evidence. */
function replicationVerdict(rep: ReplicationResult, scenario: Scenario): RepVerdict {
  const steps = stepsOf(rep);
  const series = resourceSeries(rep, scenario);
  const evidence: Found[] = [];
  const windows = windowsOf(rep).map((span) => {
    const cells: RepCell[] = [];
    for (const s of series) {
      const w = windowUtilization(s.utilization, steps, span, s.sampled);
      if (!w) continue;
      const cell: RepCell = {
        resource: s.resource,
        kind: s.kind,
        utilization: w.mean,
        worst_5m: { utilization: w.worst, end_s: w.worstEnd },
        steady: w.steady.steady,
        saturated: w.worstSure >= FULL,
        at80: w.at80,
        at100: w.at100,
        sure: w.worstSure,
        utilizations: [w.mean],
      };
      if (cell.saturated)
        evidence.push({
          kind: "utilization_at_capacity",
          resource: s.resource,
          window: span.name,
          utilization: w.worst,
          end_s: w.worstEnd,
          promql: s.promql,
          message: `${s.resource} was ${pct(w.worst)} busy over the 5 minutes ending at ${secs(w.worstEnd)} in ${span.name}`,
        });
      const growth = s.queue && queueGrowth(s.queue, steps, span);
      if (growth) {
        cell.saturated = true;
        evidence.push({
          kind: "queue_growing",
          resource: s.resource,
          window: span.name,
          slope_per_s: growth.slopePerSecond,
          t: growth.t,
          first_block: growth.firstBlock,
          last_block: growth.lastBlock,
          message:
            `${s.resource}'s queue grew through ${span.name}: from ${growth.firstBlock.toFixed(1)} to ${growth.lastBlock.toFixed(1)} waiting ` +
            `(slope ${growth.slopePerSecond.toPrecision(3)}/s, t = ${growth.t.toFixed(1)} > ${growth.tCritical.toFixed(1)})`,
        });
      }
      cells.push(cell);
    }
    latencyAtCap(rep, span, cells, evidence);
    return { span, cells };
  });
  unmetFluidLoad(rep, evidence);
  return { windows, evidence };
}

/** A window's p95 at the 30 s bucket: the deployment could not keep up; it speaks for the busiest resource. */
function latencyAtCap(rep: ReplicationResult, span: Span, cells: RepCell[], evidence: Found[]): void {
  const busiest = [...cells].sort((a, b) => b.sure - a.sure)[0];
  for (const h of LATENCY_HISTOGRAMS) {
    const { value, promql } = windowP95(rep, h, span.start, span.end);
    if (!(value >= CAP_SECONDS - 1e-9)) continue;
    const culprit = busiest && busiest.sure >= 0.9 ? busiest : undefined;
    if (culprit) culprit.saturated = true;
    evidence.push({
      kind: "latency_at_cap",
      resource: culprit?.resource ?? null,
      window: span.name,
      histogram: h.name,
      cap_s: CAP_SECONDS,
      promql,
      message:
        `${h.name} in ${span.name} is at coderd's top histogram bucket (${CAP_SECONDS} s): requests waited longer than the bucket can show` +
        (culprit
          ? `; ${culprit.resource} was the busiest resource (${pct(culprit.worst_5m.utilization)})`
          : ""),
    });
  }
}

/** CPU fluid load (relayed traffic, connections, heartbeats) that did not fit: the engine's statistic. */
function unmetFluidLoad(rep: ReplicationResult, evidence: Found[]): void {
  for (const row of rep.resources) {
    const unmet = (row as { mean_background_unmet_vcpu?: number }).mean_background_unmet_vcpu ?? 0;
    if (!(unmet > 1e-3)) continue;
    evidence.push({
      kind: "unmet_fluid_load",
      resource: row.name,
      window: "traffic",
      unmet_vcpu: unmet,
      message: `${row.name}: ${unmet.toPrecision(3)} vCPU of fluid load (relayed traffic, connections, heartbeats) did not fit, on average over the traffic window`,
    });
  }
}

/** Averages cells over replications; saturated if any replication was; steady if every one was. */
function combineWindows(reps: RepVerdict[]): { window: VerdictWindow; cells: RepCell[] }[] {
  const first = reps[0]?.windows ?? [];
  return first.map(({ span }) => {
    const matches = reps.map((r) => r.windows.find((w) => w.span.name === span.name)?.cells ?? []);
    const cells = matches[0]!.map((c0): RepCell => {
      const all = matches
        .map((m) => m.find((c) => c.resource === c0.resource))
        .filter((c) => c !== undefined);
      const avg = (f: (c: RepCell) => number) => all.reduce((s, c) => s + f(c), 0) / all.length;
      const earliest = (f: (c: RepCell) => number) => {
        const ts = all.map(f).filter((t) => !Number.isNaN(t));
        return ts.length ? Math.min(...ts) : Number.NaN;
      };
      return {
        resource: c0.resource,
        kind: c0.kind,
        utilization: avg((c) => c.utilization),
        worst_5m: { utilization: avg((c) => c.worst_5m.utilization), end_s: c0.worst_5m.end_s },
        steady: all.every((c) => c.steady),
        saturated: all.some((c) => c.saturated),
        at80: earliest((c) => c.at80),
        at100: earliest((c) => c.at100),
        sure: avg((c) => c.sure),
        utilizations: all.flatMap((c) => c.utilizations),
      };
    });
    const window: VerdictWindow = {
      name: span.name,
      start_s: span.start,
      end_s: span.end,
      resources: cells.map(({ at80: _a, at100: _b, sure: _c, utilizations: _d, ...rest }) => rest),
    };
    return { window, cells };
  });
}

/** One item per kind, resource and histogram: the first window's details, and every window it held in. */
function combineEvidence(reps: RepVerdict[]): Evidence[] {
  const byKey = new Map<string, Evidence & { windows: string[]; seenIn: Set<number> }>();
  reps.forEach((r, rep) => {
    for (const e of r.evidence) {
      const key = `${e.kind}|${e.resource}|${String(e.histogram ?? "")}`;
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, { ...e, windows: [e.window], seenIn: new Set([rep]), replications: 0 });
      else {
        if (!seen.windows.includes(e.window)) seen.windows.push(e.window);
        seen.seenIn.add(rep);
      }
    }
  });
  return [...byKey.values()].map(({ seenIn, ...e }) => {
    const more = e.windows.length - 1;
    return {
      ...e,
      replications: seenIn.size,
      message: more > 0 ? `${e.message} (and in ${more} more window${more > 1 ? "s" : ""})` : e.message,
    } as Evidence;
  });
}

function firstCrossing(
  combined: { window: VerdictWindow; cells: RepCell[] }[],
  at: (c: RepCell) => number,
): Crossing | null {
  let best: Crossing | null = null;
  const lengths = new Map(combined.map(({ window: w }) => [w.name, w.end_s - w.start_s]));
  const narrower = (w: VerdictWindow, b: Crossing) => w.end_s - w.start_s < lengths.get(b.window)!;
  for (const { window, cells } of combined)
    for (const c of cells) {
      const t = at(c);
      // On a tie the narrower window (a phase inside a stage) says more.
      if (Number.isNaN(t) || (best && (t > best.at_s || (t === best.at_s && !narrower(window, best)))))
        continue;
      best = { resource: c.resource, window: window.name, at_s: t, utilization: c.worst_5m.utilization };
    }
  return best;
}

/**
 * The run's bottleneck judged per traffic window and at its worst sustained 5 minutes: the first resource
 * to reach 80 % and 100 %, near-ties, saturation with its evidence, and a utilisation-law extrapolation
 * only where the load was steady and the resource not saturated.
 */
export function bottleneckVerdict(
  scenario: Scenario,
  results: readonly ReplicationResult[],
): BottleneckVerdict {
  const reps = results.map((r) => replicationVerdict(r, scenario));
  const combined = combineWindows(reps);
  const evidence = combineEvidence(reps);
  const saturated = [
    ...new Set([
      ...combined.flatMap(({ cells }) => cells.filter((c) => c.saturated).map((c) => c.resource)),
      ...evidence.filter((e) => e.kind === "unmet_fluid_load").map((e) => e.resource!),
    ]),
  ];
  const first_80 = firstCrossing(combined, (c) => c.at80);
  const first_100 = firstCrossing(combined, (c) => c.at100);
  const head = first_100 ?? first_80 ?? highest(combined);
  const busiest = busiestCells(combined);
  const base = {
    windows: combined.map((c) => c.window),
    first_80,
    first_100,
    saturated,
    evidence,
    busiest_windows: busiest.map(busiestWindow),
  };
  if (!head)
    return {
      resource: "none",
      utilization: 0,
      users_at_80pct: null,
      users_at_100pct: null,
      ...NO_USERS_CI,
      method: "",
      window: null,
      near_ties: [],
      ...base,
    };
  // Judged in the narrowest window holding the crossing's 5 minutes' end (a phase rather than its stage).
  const judged =
    combined
      .filter(
        ({ window: w, cells: cs }) =>
          w.start_s < head.at_s &&
          head.at_s <= w.end_s + 1e-9 &&
          cs.some((c) => c.resource === head.resource),
      )
      .sort((a, b) => a.window.end_s - a.window.start_s - (b.window.end_s - b.window.start_s))[0] ??
    // A crossing at a window's very start (saturated from its first scrape) is judged in its own window.
    combined.find(({ window: w }) => w.name === head.window)!;
  const window = judged.window.name;
  const cells = judged.cells;
  const cell = cells.find((c) => c.resource === head.resource)!;
  const near_ties = cells
    .filter((c) => c.resource !== head.resource && Math.abs(c.sure - cell.sure) <= NEAR_TIE_POINTS)
    .map((c) => ({
      resource: c.resource,
      window,
      utilization: c.worst_5m.utilization,
      points_behind: Number(((cell.worst_5m.utilization - c.worst_5m.utilization) * 100).toFixed(2)),
    }));
  // The load at which a resource reaches a level is set by the window that loads it most, not by the first crossing.
  const tight = tightest(busiest) ?? { window, cell };
  // Past a limit there is nothing to extrapolate: the named resource, or the tightest one, is saturated.
  const blocked = [head.resource, tight.cell.resource].find((r) => saturated.includes(r));
  return {
    resource: head.resource,
    utilization: cell.worst_5m.utilization,
    ...extrapolation(scenario.workload.users, tight.window, tight.cell, blocked),
    window,
    near_ties,
    ...base,
  };
}

function highest(combined: { window: VerdictWindow; cells: RepCell[] }[]): Crossing | null {
  let best: Crossing | null = null;
  for (const { window, cells } of combined)
    for (const c of cells)
      if (c.sure > 0 && (!best || c.sure > best.utilization))
        best = {
          resource: c.resource,
          window: window.name,
          at_s: c.worst_5m.end_s,
          utilization: c.sure,
        };
  return best;
}

/** Per resource, the window with its highest mean utilisation (a stage's load, not the whole test's average). */
function busiestCells(combined: readonly { window: VerdictWindow; cells: RepCell[] }[]): Busiest[] {
  const best = new Map<string, Busiest>();
  for (const { window, cells } of combined)
    for (const c of cells) {
      const seen = best.get(c.resource);
      if (!seen || c.utilization > seen.cell.utilization)
        best.set(c.resource, { window: window.name, cell: c });
    }
  return [...best.values()];
}

type Busiest = { window: string; cell: RepCell };

function busiestWindow({ window, cell }: Busiest): BusiestWindow {
  return {
    resource: cell.resource,
    window,
    utilization: cell.utilization,
    ci95: intervalBounds(cell.utilizations, 0.95, UNIT_RANGE),
  };
}

/**
 * The cell that reaches a level at the fewest users: the busiest window of the busiest resource (utilisation
 * taken as proportional to users, the window that loads a resource most reaches it first).
 */
function tightest(busiest: readonly Busiest[]): Busiest | null {
  let best: Busiest | null = null;
  for (const b of busiest)
    if (b.cell.utilization > 0 && (!best || b.cell.utilization > best.cell.utilization)) best = b;
  return best;
}

export const EXTRAPOLATION_METHOD = "utilisation-law extrapolation, steady load";

function extrapolation(
  users: number,
  window: string,
  cell: RepCell,
  saturated: string | undefined,
): Pick<BottleneckVerdict, "users_at_80pct" | "users_at_100pct" | "method" | keyof UsersCi95> {
  const none = { users_at_80pct: null, users_at_100pct: null, ...NO_USERS_CI };
  if (saturated) return { ...none, method: `not offered: ${saturated} is saturated` };
  if (!cell.steady)
    return { ...none, method: `not offered: the load on ${cell.resource} was not steady in ${window}` };
  if (!(users > 0 && cell.utilization > 0)) return { ...none, method: "not offered: no load" };
  return {
    users_at_80pct: usersAt(users, cell.utilization, 0.8),
    users_at_100pct: usersAt(users, cell.utilization, 1),
    ...usersCi95(users, cell.utilizations, cell.resource),
    method:
      `${EXTRAPOLATION_METHOD}: ${cell.resource}'s mean utilisation in ${window} ` +
      `(${pct(cell.utilization)}, the highest window mean of any resource) assumed proportional to users`,
  };
}
