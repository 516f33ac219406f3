import { studentTQuantile } from "../engine/stats/index.js";
import type { Steps } from "./verdictSeries.js";

/** The worst sustained load: the highest mean over any 5 minutes of scrape steps. */
export const SUSTAINED_SECONDS = 300;
/** Steadiness: every block mean within this share of the window mean (or STEADY_FLOOR points). */
export const STEADY_TOLERANCE = 0.1;
export const STEADY_FLOOR = 0.02;
/** Queue growth: one-sided significance of the slope of the block means, and the least growth, jobs. */
export const GROWTH_CONFIDENCE = 0.99;
export const GROWTH_MIN_JOBS = 2;

/** A window of the run in simulated seconds. */
export interface Span {
  name: string;
  start: number;
  end: number;
}

/** The step indices whose scrape interval lies wholly inside the window. */
export function stepRange(steps: Steps, w: Span): { from: number; to: number } {
  let from = steps.times.length;
  let to = -1;
  for (let i = 0; i < steps.times.length; i++) {
    const t = steps.times[i]!;
    if (t - steps.interval >= w.start - 1e-9 && t <= w.end + 1e-9) {
      from = Math.min(from, i);
      to = i;
    }
  }
  return { from, to };
}

/**
 * Two standard errors of a block mean of sampled gauge points (a gauge read at scrape instants, e.g.
 * connections in use): the judgment uses the mean less this, so sampling noise is not read as load.
 */
function sampleError(v: ArrayLike<number>, from: number, to: number): number {
  const m = meanOf(v, from, to);
  let ss = 0;
  let n = 0;
  for (let i = from; i <= to; i++)
    if (Number.isFinite(v[i]!)) {
      ss += (v[i]! - m) ** 2;
      n++;
    }
  return n > 1 ? 2 * Math.sqrt(ss / (n - 1) / n) : 0;
}

function meanOf(v: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i <= to; i++)
    if (Number.isFinite(v[i]!)) {
      sum += v[i]!;
      n++;
    }
  return n > 0 ? sum / n : Number.NaN;
}

/** Steps per sustained window (5 minutes), at least 1. */
export const sustainedSteps = (steps: Steps): number =>
  Math.max(1, Math.round(SUSTAINED_SECONDS / steps.interval));

export interface WindowUtilization {
  mean: number;
  /** The highest 5-minute mean, and the scrape time that 5 minutes ends at. */
  worst: number;
  worstEnd: number;
  /** The highest 5-minute mean less its sampling error (= worst for a counter's rate): what is judged. */
  worstSure: number;
  /** The first scrape time at which the 5-minute mean reached 0.8 / 0.98, or NaN. */
  at80: number;
  at100: number;
  steady: Steadiness;
}

/** Utilisation over a window: its mean, its worst 5 minutes (sliding over scrape steps), and steadiness. */
export function windowUtilization(
  u: ArrayLike<number>,
  steps: Steps,
  w: Span,
  sampled = false,
): WindowUtilization | undefined {
  const { from, to } = stepRange(steps, w);
  if (to < from) return undefined;
  const mean = meanOf(u, from, to);
  if (!Number.isFinite(mean)) return undefined;
  const k = Math.min(sustainedSteps(steps), to - from + 1);
  let worst = Number.NEGATIVE_INFINITY;
  let worstEnd = Number.NaN;
  let worstSure = Number.NEGATIVE_INFINITY;
  let at80 = Number.NaN;
  let at100 = Number.NaN;
  for (let end = from + k - 1; end <= to; end++) {
    const m = meanOf(u, end - k + 1, end);
    const sure = sampled ? m - sampleError(u, end - k + 1, end) : m;
    const t = steps.times[end]!;
    if (m > worst) {
      worst = m;
      worstEnd = t;
    }
    worstSure = Math.max(worstSure, sure);
    if (Number.isNaN(at80) && sure >= 0.8) at80 = t;
    if (Number.isNaN(at100) && sure >= 0.98) at100 = t;
  }
  return { mean, worst, worstEnd, worstSure, at80, at100, steady: steadiness(u, steps, from, to, sampled) };
}

/** Block means over a window: 5-minute blocks, or quarters of a window shorter than 20 minutes. */
function blockMeans(v: ArrayLike<number>, steps: Steps, from: number, to: number): number[] {
  return blocks(v, steps, from, to).map((b) => b.mean);
}

function blocks(
  v: ArrayLike<number>,
  steps: Steps,
  from: number,
  to: number,
): { mean: number; error: number }[] {
  const size = blockSteps(steps, from, to);
  const out: { mean: number; error: number }[] = [];
  for (let b = from; b + size - 1 <= to; b += size)
    out.push({ mean: meanOf(v, b, b + size - 1), error: sampleError(v, b, b + size - 1) });
  return out.filter((m) => Number.isFinite(m.mean));
}

const blockSteps = (steps: Steps, from: number, to: number): number =>
  Math.max(2, Math.min(sustainedSteps(steps), Math.floor((to - from + 1) / 4)));

export interface Steadiness {
  steady: boolean;
  /** Lowest and highest block mean (5 minutes, or a quarter of a short window). */
  blockMin: number;
  blockMax: number;
  blocks: number;
}

/**
 * The steady-load test: a window's load is steady when it has at least 3 blocks and every block mean lies
 * within 10 % (or 2 points) of the window's mean (plus two standard errors for a sampled gauge). A ramp,
 * a rush or a drain fails it.
 */
export function steadiness(
  u: ArrayLike<number>,
  steps: Steps,
  from: number,
  to: number,
  sampled = false,
): Steadiness {
  const bs = blocks(u, steps, from, to);
  const mean = meanOf(u, from, to);
  const tolerance = Math.max(STEADY_TOLERANCE * mean, STEADY_FLOOR);
  // A sampled gauge's block means also carry sampling noise, which is not unsteadiness.
  const within = (b: { mean: number; error: number }) =>
    Math.abs(b.mean - mean) <= tolerance + (sampled ? b.error : 0);
  const means = bs.map((b) => b.mean);
  return {
    steady: bs.length >= 3 && bs.every(within),
    blockMin: means.length ? Math.min(...means) : Number.NaN,
    blockMax: means.length ? Math.max(...means) : Number.NaN,
    blocks: bs.length,
  };
}

export interface QueueGrowth {
  /** Jobs per second, least squares over the block means. */
  slopePerSecond: number;
  /** Student t of the slope, and the one-sided 99 % critical value for its degrees of freedom. */
  t: number;
  tCritical: number;
  firstBlock: number;
  lastBlock: number;
}

/**
 * A queue that grows through a window: the least-squares slope of its block means (blocks, not scrapes,
 * so neighbouring points' correlation does not fake significance) is positive at one-sided 99 %
 * (Student t, blocks − 2 degrees of freedom), and the queue grew by at least 2 jobs over the window.
 */
export function queueGrowth(q: ArrayLike<number>, steps: Steps, w: Span): QueueGrowth | undefined {
  const { from, to } = stepRange(steps, w);
  if (to < from) return undefined;
  const blocks = blockMeans(q, steps, from, to);
  const n = blocks.length;
  if (n < 4) return undefined;
  const xs = blocks.map((_, i) => i);
  const xm = (n - 1) / 2;
  const ym = blocks.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - xm) ** 2;
    sxy += (xs[i]! - xm) * (blocks[i]! - ym);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (blocks[i]! - (ym + slope * (xs[i]! - xm))) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = se > 0 ? slope / se : slope > 0 ? Number.POSITIVE_INFINITY : 0;
  const tCritical = studentTQuantile(GROWTH_CONFIDENCE, n - 2);
  const blockSeconds = blockSteps(steps, from, to) * steps.interval;
  const growth = slope * (n - 1);
  if (!(t > tCritical && growth >= GROWTH_MIN_JOBS)) return undefined;
  return {
    slopePerSecond: slope / blockSeconds,
    t,
    tCritical,
    firstBlock: blocks[0]!,
    lastBlock: blocks[n - 1]!,
  };
}
