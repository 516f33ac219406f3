/** Observations per batch in MSER-5. */
export const MSER_BATCH_SIZE = 5;

export interface MserResult {
  /** Observations to delete from the start: 5·d*. */
  truncateObservations: number;
  /** d*, the number of leading batch means dropped. */
  batchesDropped: number;
  /** m = ⌊n/5⌋ complete batches (a trailing partial batch is ignored). */
  batchCount: number;
  /**
   * True when the run cannot be trusted to have reached steady state: fewer than 4 batches, or
   * d* ≥ ⌊m/2⌋ − 1, i.e. the minimum sits at the edge of the search range and the statistic was
   * still falling. Callers should lengthen the run rather than use the truncation.
   */
  tooShort: boolean;
}

/**
 * MSER-5 warm-up detection: batch means Z_1..Z_m of 5 observations, then for d = 0..⌊m/2⌋
 * MSER(d) = Σ_{j>d} (Z_j − Z̄(d))² / (m − d)², and d* = argmin (smallest d on ties).
 * Suffix means and squared deviations are accumulated backwards with Welford's update: O(n), no cancellation.
 * Reference: White, "An effective truncation heuristic for bias reduction in simulation output", Simulation 69 (1997) 323–334.
 * Batch size 5 (MSER-5) as in White, Cobb & Spratt, "A comparison of five steady-state truncation heuristics", WSC 2000.
 */
export function mser5(series: ArrayLike<number>): MserResult {
  const batchCount = Math.floor(series.length / MSER_BATCH_SIZE);
  if (batchCount < 4) {
    return { truncateObservations: 0, batchesDropped: 0, batchCount, tooShort: true };
  }
  const batchMeans = new Float64Array(batchCount);
  for (let j = 0; j < batchCount; j++) {
    let sum = 0;
    for (let k = 0; k < MSER_BATCH_SIZE; k++) {
      const index = j * MSER_BATCH_SIZE + k;
      const value = series[index]!;
      if (!Number.isFinite(value)) throw new RangeError(`series[${index}] is not finite: ${value}`);
      sum += value;
    }
    batchMeans[j] = sum / MSER_BATCH_SIZE;
  }

  const maxDropped = Math.floor(batchCount / 2);
  // Walk the suffix Z_{d+1..m} from the end so each MSER(d) costs O(1).
  let suffixMean = 0;
  let suffixSquares = 0;
  let bestDropped = 0;
  let bestStatistic = Number.POSITIVE_INFINITY;
  for (let d = batchCount - 1; d >= 0; d--) {
    const kept = batchCount - d;
    const value = batchMeans[d]!;
    const delta = value - suffixMean;
    suffixMean += delta / kept;
    suffixSquares += delta * (value - suffixMean);
    if (d > maxDropped) continue;
    const statistic = suffixSquares / (kept * kept);
    // `<=` while walking down keeps the smallest d among ties.
    if (statistic <= bestStatistic) {
      bestStatistic = statistic;
      bestDropped = d;
    }
  }
  return {
    truncateObservations: bestDropped * MSER_BATCH_SIZE,
    batchesDropped: bestDropped,
    batchCount,
    tooShort: bestDropped >= maxDropped - 1,
  };
}
