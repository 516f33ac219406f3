import { quantileSorted, sumSimple } from "simple-statistics";
import type { ActionId, Simulation } from "../simulation.js";

/** Something with named gauges a sampler can scrape, such as a resource. */
export interface GaugeSource {
  readonly name: string;
  /** Gauge name (e.g. `busy_servers`) → reader of its current value. */
  gauges(): Record<string, () => number>;
}

export interface SamplerOptions {
  /** Seconds between scrapes (Prometheus' default scrape interval). @default 15 */
  intervalSeconds?: number;
  /** Scrapes the columns make room for up front (more still fit: they grow). @default 64 */
  expectedScrapes?: number;
}

/** Plain-data form of the scraped series. */
export interface SampledSeriesJSON {
  intervalSeconds: number;
  times: number[];
  series: Record<string, number[]>;
}

/**
 * Records named gauges at a fixed scrape interval of simulated time, like Prometheus, into growing
 * Float64Array columns, so medians and peaks can be read the way a Grafana panel shows them (see
 * `seriesSummary`, `counterRate`). Scrapes fall at start + k·interval, without drift. A scrape reads the
 * state after every event scheduled for its instant before the instant began (it wakes, then scrapes
 * behind them), so what it sees does not depend on the interval: a reader never races a same-time event.
 */
export class Sampler {
  readonly intervalSeconds: number;
  /** What a scrape reads, in the order added: one column's reader, or a reader of adjacent columns. */
  private readonly groups: ColumnGroup[] = [];
  /** Where a group reader writes its columns' values. */
  private scratch = new Float64Array(1);
  private readonly columnIndex = new Map<string, number>();
  private columns: Float64Array[] = [];
  private timeColumn: Float64Array;
  private rows = 0;
  private readonly scrapeAction: ActionId;
  private readonly wakeAction: ActionId;
  private running = false;
  private pending = -1;
  private startSeconds = 0;
  private nextIndex = 0;

  constructor(
    private readonly sim: Simulation,
    options: SamplerOptions = {},
  ) {
    const interval = options.intervalSeconds ?? 15;
    if (!(interval > 0 && Number.isFinite(interval))) {
      throw new RangeError(`intervalSeconds must be a finite number > 0, got ${interval}`);
    }
    this.intervalSeconds = interval;
    // Sized for the whole run, a column is allocated once, not regrown (and copied) as it fills.
    this.timeColumn = new Float64Array(Math.max(1, Math.ceil(options.expectedScrapes ?? 64)));
    this.scrapeAction = sim.register(() => this.onTick());
    this.wakeAction = sim.register(() => this.sim.post(0, this.scrapeAction));
  }

  /** Adds a gauge; rows scraped before it was added read NaN. */
  gauge(name: string, read: () => number): this {
    if (this.columnIndex.has(name)) throw new RangeError(`gauge "${name}" is already registered`);
    this.columnIndex.set(name, this.addColumn(read));
    return this;
  }

  /** Adds an unnamed column (the caller keeps its own names or labels); returns its index. */
  addColumn(read: () => number): number {
    this.groups.push(new ColumnGroup(this.columns.length, 1, read, undefined));
    this.columns.push(new Float64Array(this.timeColumn.length).fill(Number.NaN));
    return this.columns.length - 1;
  }

  /**
   * Adds `width` adjacent unnamed columns read by one call per scrape: `read(out)` writes their values to
   * out[0..width) (a histogram's buckets, sum and count at once). Returns the first one's index.
   */
  addColumns(width: number, read: (out: Float64Array) => void): number {
    if (!(Number.isInteger(width) && width >= 1))
      throw new RangeError(`width must be an integer >= 1, got ${width}`);
    const first = this.columns.length;
    this.groups.push(new ColumnGroup(first, width, undefined, read));
    for (let j = 0; j < width; j++)
      this.columns.push(new Float64Array(this.timeColumn.length).fill(Number.NaN));
    if (width > this.scratch.length) this.scratch = new Float64Array(width);
    return first;
  }

  /** Column `index`'s values, aligned with `times` (a view). */
  columnAt(index: number): Float64Array {
    const column = this.columns[index];
    if (column === undefined) throw new RangeError(`no column ${index}`);
    return column.subarray(0, this.rows);
  }

  /** Adds every gauge of a source as `<source name>.<gauge name>`. */
  watch(source: GaugeSource): this {
    for (const [gaugeName, read] of Object.entries(source.gauges()))
      this.gauge(`${source.name}.${gaugeName}`, read);
    return this;
  }

  /** Scrapes now and then every interval until `stop()`. The ticker keeps the event list non-empty: bound `run`. */
  start(): void {
    if (this.pending >= 0) throw new Error("sampler already started");
    this.startSeconds = this.sim.now;
    this.nextIndex = 0;
    this.running = true;
    this.pending = this.sim.scheduleAt(this.startSeconds, this.wakeAction);
  }

  /** Stops the ticker (a final `scrape()` may still be taken by hand). */
  stop(): void {
    if (this.pending >= 0) this.sim.cancel(this.pending);
    this.pending = -1;
    this.running = false;
  }

  /** Records one row at the current time. */
  scrape(): void {
    if (this.rows === this.timeColumn.length) this.grow();
    const row = this.rows++;
    this.timeColumn[row] = this.sim.now;
    const { groups, columns, scratch } = this;
    for (let g = 0; g < groups.length; g++) {
      const { first, width, read, readMany } = groups[g]!;
      if (read !== undefined) {
        columns[first]![row] = read();
        continue;
      }
      readMany!(scratch);
      for (let j = 0; j < width; j++) columns[first + j]![row] = scratch[j]!;
    }
  }

  /** Number of columns (each a Float64Array of the rows made room for). */
  get columnCount(): number {
    return this.columns.length;
  }

  /** Number of scraped rows. */
  get length(): number {
    return this.rows;
  }

  get names(): string[] {
    return [...this.columnIndex.keys()];
  }

  /** Scrape times, seconds (a view; copy it before scraping more if you keep it). */
  get times(): Float64Array {
    return this.timeColumn.subarray(0, this.rows);
  }

  /** One gauge's values, aligned with `times` (a view). */
  column(name: string): Float64Array {
    const index = this.columnIndex.get(name);
    if (index === undefined) throw new RangeError(`no gauge named "${name}"`);
    return this.columns[index]!.subarray(0, this.rows);
  }

  toJSON(): SampledSeriesJSON {
    const series: Record<string, number[]> = {};
    for (const [name, index] of this.columnIndex)
      series[name] = Array.from(this.columns[index]!.subarray(0, this.rows));
    return { intervalSeconds: this.intervalSeconds, times: Array.from(this.times), series };
  }

  private onTick(): void {
    if (!this.running) return; // stopped between its wake-up and its scrape
    this.scrape();
    this.nextIndex++;
    this.pending = this.sim.scheduleAt(
      this.startSeconds + this.nextIndex * this.intervalSeconds,
      this.wakeAction,
    );
  }

  private grow(): void {
    const n = this.timeColumn.length * 2;
    this.timeColumn = grown(this.timeColumn, n, 0);
    this.columns = this.columns.map((c) => grown(c, n, Number.NaN));
  }
}

/** Columns first..first+width−1 and how a scrape reads them: one reader (width 1) or one for them all. */
class ColumnGroup {
  constructor(
    readonly first: number,
    readonly width: number,
    readonly read: (() => number) | undefined,
    readonly readMany: ((out: Float64Array) => void) | undefined,
  ) {}
}

function grown(a: Float64Array, n: number, fill: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n).fill(fill);
  b.set(a);
  return b;
}

/** What a dashboard panel shows for one series. NaN samples (no data) are skipped. */
export interface SeriesSummary {
  samples: number;
  min: number;
  mean: number;
  median: number;
  p95: number;
  max: number;
  last: number;
}

/** Min, mean, median, p95, max and last of a sampled series (linear-interpolated quantiles). */
export function seriesSummary(values: ArrayLike<number>): SeriesSummary {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) present.push(v);
  }
  if (present.length === 0) {
    const nan = Number.NaN;
    return { samples: 0, min: nan, mean: nan, median: nan, p95: nan, max: nan, last: nan };
  }
  const sorted = [...present].sort((a, b) => a - b);
  return {
    samples: present.length,
    min: sorted[0]!,
    mean: sumSimple(present) / present.length,
    median: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
    max: sorted[sorted.length - 1]!,
    last: present[present.length - 1]!,
  };
}

/** The q-quantile of ascending values by linear interpolation between order statistics (type 7). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  return sorted.length === 0 ? Number.NaN : quantileSorted(Array.from(sorted), q);
}

/**
 * Per-second rate of a monotone counter (e.g. CPU-seconds → busy cores) at each scrape, over a
 * trailing window like Prometheus' `rate(x[window])`: the increase from the earliest sample inside the
 * window divided by the time it spans (without Prometheus' extrapolation to the window edges).
 * NaN where the window holds fewer than two samples.
 */
export function counterRate(
  times: ArrayLike<number>,
  counter: ArrayLike<number>,
  windowSeconds: number,
): Float64Array {
  if (times.length !== counter.length) throw new RangeError("times and counter must have the same length");
  if (!(windowSeconds > 0)) throw new RangeError(`windowSeconds must be > 0, got ${windowSeconds}`);
  const rates = new Float64Array(times.length).fill(Number.NaN);
  let first = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    while (times[first]! < t - windowSeconds) first++;
    const span = t - times[first]!;
    if (i > first && span > 0) rates[i] = (counter[i]! - counter[first]!) / span;
  }
  return rates;
}
