import type { Labels, Series, SeriesSet } from "../series/types.js";

/** A label set as one string key (names sorted), for grouping points into series. */
export function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Collects (labels, time, value) points into series, each sorted by time. */
export class SeriesBuilder {
  private readonly byKey = new Map<string, { labels: Labels; points: [number, number][] }>();

  add(labels: Labels, t: number, value: number): void {
    const key = labelKey(labels);
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { labels, points: [] };
      this.byKey.set(key, entry);
    }
    entry.points.push([t, value]);
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * The series, points sorted by time. `onDuplicate` is told of a series with two points at one time
   * (two scrapes that cannot be told apart); the later one is kept.
   */
  build(onDuplicate?: (labels: Labels, t: number) => void): Series[] {
    const out: Series[] = [];
    for (const { labels, points } of this.byKey.values()) {
      points.sort((a, b) => a[0] - b[0]);
      const times: number[] = [];
      const values: number[] = [];
      for (const [t, v] of points) {
        if (times.length > 0 && times[times.length - 1] === t) {
          onDuplicate?.(labels, t);
          values[values.length - 1] = v;
          continue;
        }
        times.push(t);
        values.push(v);
      }
      out.push({ labels, times, values });
    }
    return out;
  }
}

/** Several series sets as one (files read together). Series with equal labels are merged by time. */
export function mergeSeriesSets(sets: readonly SeriesSet[]): SeriesSet {
  const builder = new SeriesBuilder();
  for (const set of sets)
    for (const s of set.series)
      for (let i = 0; i < s.times.length; i++) builder.add(s.labels, s.times[i]!, s.values[i]!);
  return { series: builder.build() };
}
