/** A SeriesSet indexed for selection: series by metric name, sample times in integer milliseconds, NaN dropped. */
import type { Labels, Series, SeriesSet } from "../series/types.js";
import type { LabelMatcher } from "./ast.js";
import { labelsKey } from "./labels.js";
import { matches } from "./parse.js";
import { getOrInsert } from "./vector.js";

/** One stored series: only real samples (NaN = no sample), times in ms as Prometheus stores them. */
export interface StoredSeries {
  readonly labels: Labels;
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
}

export interface Store {
  readonly byName: ReadonlyMap<string, readonly StoredSeries[]>;
  readonly all: readonly StoredSeries[];
  /** What the index was built from, to notice a SeriesSet that changed after all. */
  readonly source: readonly Series[];
  readonly sampleCount: number;
}

const cache = new WeakMap<SeriesSet, Store>();

/** The index of `data`, built once per SeriesSet object (rebuilt if its series were replaced or grew). */
export function storeOf(data: SeriesSet): Store {
  let store = cache.get(data);
  if (!store || store.source !== data.series || store.sampleCount !== sampleCount(data)) {
    store = buildStore(data);
    cache.set(data, store);
  }
  return store;
}

function sampleCount(data: SeriesSet): number {
  let n = 0;
  for (const s of data.series) n += s.times.length;
  return n;
}

function buildStore(data: SeriesSet): Store {
  const byName = new Map<string, StoredSeries[]>();
  const all: StoredSeries[] = [];
  const keys = new Set<string>();
  for (const s of data.series) {
    const key = labelsKey(s.labels);
    if (keys.has(key)) throw new Error(`two series with the same labels ${JSON.stringify(s.labels)}`);
    keys.add(key);
    const n = s.times.length;
    let kept = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(s.values[i]!)) kept++;
    const timesMs = new Float64Array(kept);
    const values = new Float64Array(kept);
    let j = 0;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = s.values[i]!;
      if (Number.isNaN(v)) continue;
      const t = Math.round(s.times[i]! * 1000);
      if (t <= last)
        throw new Error(
          `series ${JSON.stringify(s.labels)}: sample times must increase (at ${s.times[i]} s)`,
        );
      last = t;
      timesMs[j] = t;
      values[j++] = v;
    }
    const stored = { labels: s.labels, timesMs, values };
    all.push(stored);
    const name = s.labels.__name__ ?? "";
    getOrInsert(byName, name, () => []).push(stored);
  }
  return { byName, all, source: data.series, sampleCount: sampleCount(data) };
}

/** The stored series a selector's matchers select. */
export function select(store: Store, matchers: readonly LabelMatcher[]): StoredSeries[] {
  const nameEq = matchers.find((m) => m.name === "__name__" && m.op === "=");
  let candidates: readonly StoredSeries[];
  if (nameEq) candidates = store.byName.get(nameEq.value) ?? [];
  else {
    const nameMatchers = matchers.filter((m) => m.name === "__name__");
    candidates = [];
    const list: StoredSeries[] = [];
    for (const [name, series] of store.byName)
      if (nameMatchers.every((m) => matches(m, name))) list.push(...series);
    candidates = list;
  }
  return candidates.filter((s) => matchers.every((m) => matches(m, s.labels[m.name] ?? "")));
}
