import type { Sampler } from "../../engine/stats/sampler.js";
import { canonicalFloat as canonicalLe } from "../../series/le.js";
import type { Labels, Series, SeriesSet } from "../../series/types.js";
import type { FamilySpec } from "./catalog.js";

/** Index of the first bound at or above `value` (bounds.length: +Inf), as a Prometheus histogram buckets it. */
export function bucketOf(bounds: readonly number[], value: number): number {
  let i = 0;
  while (i < bounds.length && value > bounds[i]!) i++;
  return i;
}

/**
 * Cumulative-on-read histogram of observations on fixed bucket bounds, over the whole run (what a
 * Prometheus histogram's `_bucket`, `_sum` and `_count` hold). Recording is O(buckets) at worst and
 * allocation-free; scraping reads it.
 */
export class BucketHistogram {
  /** Non-cumulative counts; the last slot is +Inf. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    this.observeAt(bucketOf(this.bounds, value), value);
  }

  /** Observes `value`, whose bucket `bucketOf(this.bounds, value)` the caller already has. */
  observeAt(bucket: number, value: number): void {
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
  }

  /** A scrape's values in one pass: each bound's cumulative count, then +Inf (the count), the sum, the count. */
  readInto(out: Float64Array): void {
    const b = this.bounds.length;
    let n = 0;
    for (let i = 0; i < b; i++) out[i] = n += this.counts[i]!;
    out[b] = this.count;
    out[b + 1] = this.sum;
    out[b + 2] = this.count;
  }
}

/** `read` preceded by `sync` (for an owner that holds observations back). */
export function syncedRead(sync: () => void, read: () => number): () => number {
  return () => {
    sync();
    return read();
  };
}

interface Entry {
  labels: Labels;
  column: number;
}

/**
 * The simulator's metric families: each series is a reader the engine's Sampler scrapes by column index
 * (the engine knows nothing of labels), plus series derived after the run (stage activity). `seriesSet`
 * returns them as labelled series sharing one times array.
 */
export class MetricRegistry {
  private readonly entries: Entry[] = [];
  private readonly derived: { labels: Labels; values: (times: Float64Array) => ArrayLike<number> }[] = [];
  private readonly families = new Set<FamilySpec>();

  constructor(
    private readonly sampler: Sampler,
    /** Labels every series of a family gets when the family declares them (e.g. namespace). */
    private readonly common: Readonly<Record<string, string>> = {},
  ) {}

  /** A counter or gauge series of `family` with `labels`, read at every scrape. */
  series(family: FamilySpec, labels: Readonly<Record<string, string>>, read: () => number): void {
    if (family.type === "histogram") throw new RangeError(`${family.name} is a histogram: use histogram()`);
    this.add(family.name, this.labelsFor(family, labels), read);
    this.families.add(family);
  }

  /**
   * Counter or gauge series of `family`, one per labels in `labels`, read together: `read(out)` writes
   * their values to out[0..labels.length) at every scrape (one call for the lot).
   */
  seriesGroup(
    family: FamilySpec,
    labels: readonly Readonly<Record<string, string>>[],
    read: (out: Float64Array) => void,
  ): void {
    if (family.type === "histogram") throw new RangeError(`${family.name} is a histogram: use histogram()`);
    this.addGroup(
      labels.map((l) => [family.name, this.labelsFor(family, l)]),
      read,
    );
    this.families.add(family);
  }

  /**
   * A histogram series set (buckets, sum, count) of `family` with `labels`, read in one call per scrape;
   * `sync`, when given, runs before it (for an owner that holds observations back).
   */
  histogram(
    family: FamilySpec,
    labels: Readonly<Record<string, string>>,
    h: BucketHistogram,
    sync?: () => void,
  ): void {
    if (family.type !== "histogram") throw new RangeError(`${family.name} is not a histogram`);
    const base = this.labelsFor(family, labels);
    const { name } = family;
    // In the order of BucketHistogram.readInto.
    const columns: [string, Labels][] = [
      ...h.bounds.map((le): [string, Labels] => [`${name}_bucket`, { ...base, le: canonicalLe(le) }]),
      [`${name}_bucket`, { ...base, le: "+Inf" }],
      [`${name}_sum`, base],
      [`${name}_count`, base],
    ];
    this.addGroup(columns, (out) => {
      sync?.();
      h.readInto(out);
    });
    this.families.add(family);
  }

  /** A series computed from the scrape times after the run (e.g. stage activity, known only at the end). */
  derivedSeries(
    family: FamilySpec,
    labels: Readonly<Record<string, string>>,
    values: (times: Float64Array) => ArrayLike<number>,
  ): void {
    this.derived.push({ labels: { __name__: family.name, ...this.labelsFor(family, labels) }, values });
    this.families.add(family);
  }

  /** Families with at least one series, in registration order. */
  get registeredFamilies(): FamilySpec[] {
    return [...this.families];
  }

  /** Every series over the scrapes so far; all share one (copied) times array. */
  seriesSet(): SeriesSet {
    const times = Float64Array.from(this.sampler.times);
    const series: Series[] = this.entries.map((e) => ({
      labels: e.labels,
      times,
      values: Float64Array.from(this.sampler.columnAt(e.column)),
    }));
    for (const d of this.derived) series.push({ labels: d.labels, times, values: d.values(times) });
    return { series, intervalSeconds: this.sampler.intervalSeconds };
  }

  private add(name: string, labels: Readonly<Record<string, string>>, read: () => number): void {
    this.entries.push({ labels: { __name__: name, ...labels }, column: this.sampler.addColumn(read) });
  }

  /** Adjacent columns, one per (series name, labels), that `read(out)` fills in that order at a scrape. */
  private addGroup(
    columns: readonly (readonly [string, Readonly<Record<string, string>>])[],
    read: (out: Float64Array) => void,
  ): void {
    const first = this.sampler.addColumns(columns.length, read);
    columns.forEach(([name, labels], j) => {
      this.entries.push({ labels: { __name__: name, ...labels }, column: first + j });
    });
  }

  private labelsFor(
    family: FamilySpec,
    labels: Readonly<Record<string, string>>,
  ): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of family.labels) {
      const value = labels[name] ?? this.common[name];
      if (value === undefined) throw new RangeError(`${family.name}: label "${name}" has no value`);
      out[name] = value;
    }
    for (const name of Object.keys(labels)) {
      if (!family.labels.includes(name)) throw new RangeError(`${family.name}: no label "${name}"`);
    }
    return out;
  }
}
