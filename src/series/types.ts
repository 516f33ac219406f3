/**
 * The one shape of time-series data in capsim: what a TSDB holds. Simulated scrapes, files read from
 * disk and answers from a Prometheus server all become a `SeriesSet`, and every figure is computed
 * from one by the PromQL evaluator (`src/promql/`) plus a window reduction (`src/figures/`).
 */

/** A label set; `__name__` holds the metric name, as in Prometheus. */
export type Labels = Readonly<Record<string, string>>;

/** One time series: sample times in seconds, ascending, with a value each (NaN = no sample / stale). */
export interface Series {
  readonly labels: Labels;
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** A set of series, as a TSDB would return them for a selector. */
export interface SeriesSet {
  readonly series: readonly Series[];
  /** Seconds between scrapes when known (simulated data, or found from measured data). */
  readonly intervalSeconds?: number;
}

/** A named interval of a test, in the data's time base, both ends inclusive. */
export interface Window {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}
