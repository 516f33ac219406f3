import type { SeriesSet, Window } from "../series/types.js";
import { TRAFFIC_STAGE_NAMES } from "./table.js";

/** The window of figures that have no stage: the traffic stages' span. */
export const ALL = "all";

const STAGE_SERIES = "capsim_stage_active";

/**
 * The one rule for which scrape points belong to a window: a point at t describes the interval ending
 * at t, so a window (start, end] holds the evaluation instants start + k·step, k ≥ 1, up to end. A
 * window shorter than one step is the single instant at its end.
 */
export function windowInstants(
  window: Window,
  stepSeconds: number,
): { start: number; end: number; step: number } {
  const first = window.start + stepSeconds;
  if (first > window.end + 1e-9) return { start: window.end, end: window.end, step: stepSeconds };
  const k = Math.floor((window.end - window.start) / stepSeconds + 1e-9);
  return { start: first, end: window.start + k * stepSeconds, step: stepSeconds };
}

/**
 * Stage windows recorded in the data by `capsim_stage_active{stage}` (1 while the stage runs): a stage
 * spans (last scrape before its first 1, its last 1], which holds exactly the scrapes marked active.
 */
export function windowsFromStageSeries(data: SeriesSet): Window[] {
  const out: Window[] = [];
  for (const s of data.series) {
    if (s.labels.__name__ !== STAGE_SERIES || s.labels.stage === undefined) continue;
    let first = -1;
    let last = -1;
    for (let i = 0; i < s.values.length; i++) {
      if (s.values[i] === 1) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first < 0) continue;
    const step = data.intervalSeconds ?? (s.times.length > 1 ? s.times[1]! - s.times[0]! : 0);
    const start = first > 0 ? s.times[first - 1]! : s.times[first]! - step;
    out.push({ name: s.labels.stage, start, end: s.times[last]! });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The span of the data: from the earliest to the latest sample. */
export function dataSpan(data: SeriesSet): Window | undefined {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of data.series) {
    if (s.times.length === 0) continue;
    start = Math.min(start, s.times[0]!);
    end = Math.max(end, s.times[s.times.length - 1]!);
  }
  return Number.isFinite(start) ? { name: ALL, start, end } : undefined;
}

/** Where the windows came from, for the report. */
export type WindowOrigin = "capsim_stage_active" | "given" | "data";

/**
 * The windows figures are taken over: from `capsim_stage_active` when the data has it, else the given
 * ones, else one window "all" over the data. "all" is added when missing: the traffic stages' span
 * (first start to last end), else the whole data.
 */
export function resolveWindows(
  data: SeriesSet,
  given: readonly Window[] = [],
): { windows: Window[]; origin: WindowOrigin } {
  const recorded = windowsFromStageSeries(data);
  const origin: WindowOrigin =
    recorded.length > 0 ? "capsim_stage_active" : given.length > 0 ? "given" : "data";
  const windows = recorded.length > 0 ? recorded : [...given];
  if (!windows.some((w) => w.name === ALL)) {
    const all = trafficWindow(windows) ?? dataSpan(data);
    if (all) windows.push(all);
  }
  return { windows, origin };
}

/** From the first traffic stage's start to the last one's end, as the simulator's timeline defines it. */
export function trafficWindow(windows: readonly Window[]): Window | undefined {
  const traffic = windows.filter((w) => TRAFFIC_STAGE_NAMES.includes(w.name));
  if (traffic.length === 0) return undefined;
  return {
    name: ALL,
    start: Math.min(...traffic.map((w) => w.start)),
    end: Math.max(...traffic.map((w) => w.end)),
  };
}

/** Seconds between scrapes: the data's own when it says, else the median gap of its series' samples. */
export function scrapeInterval(data: SeriesSet): number | undefined {
  if (data.intervalSeconds !== undefined) return data.intervalSeconds;
  const gaps: number[] = [];
  for (const s of data.series) {
    for (let i = 1; i < s.times.length && gaps.length < 10_000; i++) gaps.push(s.times[i]! - s.times[i - 1]!);
  }
  const positive = gaps.filter((g) => g > 0).sort((a, b) => a - b);
  return positive.length > 0 ? positive[Math.floor(positive.length / 2)] : undefined;
}
