/** Per-second rate of a counter between consecutive samples: the one implementation in capsim. */

/**
 * The rate over each scrape interval: the value at i covers (t[i−1], t[i]]. A drop is a counter reset
 * (process restart), where the increase is the later value, as PromQL's `increase` takes it. NaN at
 * the first sample, where either sample is NaN, and where the interval is not positive.
 */
export function intervalRates(times: ArrayLike<number>, counter: ArrayLike<number>): Float64Array {
  const out = new Float64Array(counter.length).fill(Number.NaN);
  for (let i = 1; i < counter.length; i++) {
    const seconds = times[i]! - times[i - 1]!;
    const before = counter[i - 1]!;
    const after = counter[i]!;
    if (!(seconds > 0) || Number.isNaN(before) || Number.isNaN(after)) continue;
    out[i] = (after >= before ? after - before : after) / seconds;
  }
  return out;
}
