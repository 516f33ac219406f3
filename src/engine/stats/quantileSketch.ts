/**
 * Mergeable streaming quantiles with bounded memory: a DDSketch (Masson, Rim & Lee, VLDB 2019).
 * Values fall into logarithmic buckets of ratio γ = (1+α)/(1−α), so any quantile is returned within
 * relative error α of a value of the right rank. Magnitudes below `zeroThreshold` share a zero bucket.
 * Each sign keeps at most `maxBuckets` buckets; past that the lowest buckets are folded together (only
 * the smallest magnitudes lose accuracy). At α = 1% and 2048 buckets one sign spans a ratio of ~10^17.
 */
export interface QuantileSketchOptions {
  /** Relative accuracy α of every quantile. @default 0.01 */
  relativeAccuracy?: number;
  /** Most buckets kept per sign. @default 2048 */
  maxBuckets?: number;
  /** Magnitudes below this count as zero. @default 1e-9 */
  zeroThreshold?: number;
}

/** Plain-data form of a sketch, for results files. */
export interface QuantileSketchJSON {
  relativeAccuracy: number;
  maxBuckets: number;
  zeroThreshold: number;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  zeroCount: number;
  positive: BucketsJSON;
  negative: BucketsJSON;
}

/** Dense bucket counts starting at key `firstKey`. */
export interface BucketsJSON {
  firstKey: number;
  counts: number[];
}

export class QuantileSketch {
  readonly relativeAccuracy: number;
  readonly maxBuckets: number;
  readonly zeroThreshold: number;
  private readonly gamma: number;
  private readonly keyPerLog: number;
  private readonly positive: BucketStore;
  /** Keyed by |x|. */
  private readonly negative: BucketStore;
  private zeroCount = 0;
  private n = 0;
  private total = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.01;
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${alpha}`);
    const maxBuckets = options.maxBuckets ?? 2048;
    if (!Number.isInteger(maxBuckets) || maxBuckets < 16) {
      throw new RangeError(`maxBuckets must be an integer >= 16, got ${maxBuckets}`);
    }
    const zeroThreshold = options.zeroThreshold ?? 1e-9;
    if (!(zeroThreshold > 0 && Number.isFinite(zeroThreshold))) {
      throw new RangeError(`zeroThreshold must be a finite number > 0, got ${zeroThreshold}`);
    }
    this.relativeAccuracy = alpha;
    this.maxBuckets = maxBuckets;
    this.zeroThreshold = zeroThreshold;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.keyPerLog = 1 / Math.log(this.gamma);
    this.positive = new BucketStore(maxBuckets);
    this.negative = new BucketStore(maxBuckets);
  }

  /** Records one value (NaN and ±Infinity are ignored). Allocation-free once the buckets around the data exist. */
  add(x: number): void {
    if (!(Math.abs(x) < Number.POSITIVE_INFINITY)) return;
    if (x > this.zeroThreshold) this.positive.add(this.keyOf(x), 1);
    else if (x < -this.zeroThreshold) this.negative.add(this.keyOf(-x), 1);
    else this.zeroCount++;
    this.n++;
    this.total += x;
    if (x < this.minimum) this.minimum = x;
    if (x > this.maximum) this.maximum = x;
  }

  get count(): number {
    return this.n;
  }

  /** Sum of the values (exact, not bucketed). */
  get sum(): number {
    return this.total;
  }

  get min(): number {
    return this.n === 0 ? Number.NaN : this.minimum;
  }

  get max(): number {
    return this.n === 0 ? Number.NaN : this.maximum;
  }

  /** The q-quantile (0 ≤ q ≤ 1) within relative error α; NaN when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (this.n === 0) return Number.NaN;
    const rank = q * (this.n - 1);
    let value: number;
    const negatives = this.negative.total;
    if (rank < negatives) {
      // Most negative first: walk |x| keys from the top.
      value = -this.valueOf(this.negative.keyAtRankFromTop(rank));
    } else if (rank < negatives + this.zeroCount) {
      value = 0;
    } else {
      value = this.valueOf(this.positive.keyAtRank(rank - negatives - this.zeroCount));
    }
    // The exact extremes are known, so never report beyond them.
    return Math.min(this.maximum, Math.max(this.minimum, value));
  }

  /** Folds another sketch with the same parameters into this one. */
  merge(other: QuantileSketch): this {
    if (
      other.relativeAccuracy !== this.relativeAccuracy ||
      other.zeroThreshold !== this.zeroThreshold ||
      other.maxBuckets !== this.maxBuckets
    ) {
      throw new RangeError(
        "cannot merge sketches with different relativeAccuracy, zeroThreshold or maxBuckets",
      );
    }
    if (other.n === 0) return this;
    this.positive.addAll(other.positive);
    this.negative.addAll(other.negative);
    this.zeroCount += other.zeroCount;
    this.n += other.n;
    this.total += other.total;
    if (other.minimum < this.minimum) this.minimum = other.minimum;
    if (other.maximum > this.maximum) this.maximum = other.maximum;
    return this;
  }

  /** Forgets every value (warm-up removal); keeps the allocated buckets. */
  reset(): void {
    this.positive.clear();
    this.negative.clear();
    this.zeroCount = 0;
    this.n = 0;
    this.total = 0;
    this.minimum = Number.POSITIVE_INFINITY;
    this.maximum = Number.NEGATIVE_INFINITY;
  }

  toJSON(): QuantileSketchJSON {
    return {
      relativeAccuracy: this.relativeAccuracy,
      maxBuckets: this.maxBuckets,
      zeroThreshold: this.zeroThreshold,
      count: this.n,
      sum: this.total,
      min: this.n === 0 ? null : this.minimum,
      max: this.n === 0 ? null : this.maximum,
      zeroCount: this.zeroCount,
      positive: this.positive.toJSON(),
      negative: this.negative.toJSON(),
    };
  }

  static fromJSON(json: QuantileSketchJSON): QuantileSketch {
    const sketch = new QuantileSketch(json);
    sketch.positive.loadJSON(json.positive, "positive");
    sketch.negative.loadJSON(json.negative, "negative");
    requireCount("zeroCount", json.zeroCount);
    sketch.zeroCount = json.zeroCount;
    const count = sketch.positive.total + sketch.negative.total + sketch.zeroCount;
    if (json.count !== count)
      throw new RangeError(`count ${json.count} does not match the buckets' ${count}`);
    sketch.n = count;
    sketch.total = json.sum;
    if (count > 0) {
      if (typeof json.min !== "number" || typeof json.max !== "number" || !(json.min <= json.max)) {
        throw new RangeError("a non-empty sketch needs numeric min <= max");
      }
      sketch.minimum = json.min;
      sketch.maximum = json.max;
    }
    return sketch;
  }

  private keyOf(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) * this.keyPerLog);
  }

  /** The bucket's representative, 2γ^k/(γ+1): within α of every value in (γ^(k−1), γ^k]. */
  private valueOf(key: number): number {
    return (2 * this.gamma ** key) / (this.gamma + 1);
  }
}

/** Counts per integer key over a sliding dense window of at most `maxBuckets` keys. */
class BucketStore {
  private counts = new Float64Array(0);
  /** Key of counts[0]. */
  private base = 0;
  private minKey = Number.POSITIVE_INFINITY;
  private maxKey = Number.NEGATIVE_INFINITY;
  total = 0;

  constructor(private readonly maxBuckets: number) {}

  add(key: number, weight: number): void {
    if (key < this.minKey || key > this.maxKey) key = this.makeRoomFor(key);
    this.counts[key - this.base]! += weight;
    this.total += weight;
  }

  addAll(other: BucketStore): void {
    for (let key = other.minKey; key <= other.maxKey; key++) {
      const c = other.counts[key - other.base]!;
      if (c > 0) this.add(key, c);
    }
  }

  /** Key holding the observation of 0-based `rank` counting from the smallest key. */
  keyAtRank(rank: number): number {
    let seen = 0;
    for (let key = this.minKey; key <= this.maxKey; key++) {
      seen += this.counts[key - this.base]!;
      if (seen > rank) return key;
    }
    return this.maxKey;
  }

  /** Key holding the observation of 0-based `rank` counting from the largest key. */
  keyAtRankFromTop(rank: number): number {
    let seen = 0;
    for (let key = this.maxKey; key >= this.minKey; key--) {
      seen += this.counts[key - this.base]!;
      if (seen > rank) return key;
    }
    return this.minKey;
  }

  clear(): void {
    this.counts.fill(0);
    this.minKey = Number.POSITIVE_INFINITY;
    this.maxKey = Number.NEGATIVE_INFINITY;
    this.total = 0;
  }

  toJSON(): BucketsJSON {
    if (this.total === 0) return { firstKey: 0, counts: [] };
    const counts: number[] = [];
    for (let key = this.minKey; key <= this.maxKey; key++) counts.push(this.counts[key - this.base]!);
    return { firstKey: this.minKey, counts };
  }

  loadJSON(json: BucketsJSON, label: string): void {
    if (!json || !Number.isInteger(json.firstKey) || !Array.isArray(json.counts)) {
      throw new RangeError(`${label}: expected {firstKey: integer, counts: number[]}`);
    }
    json.counts.forEach((c, i) => {
      requireCount(`${label}.counts[${i}]`, c);
      if (c > 0) this.add(json.firstKey + i, c);
    });
  }

  /** Widens the window to include `key`; returns the key to use (the lowest kept one if it was folded). */
  private makeRoomFor(key: number): number {
    let lo = Math.min(key, this.minKey);
    const hi = Math.max(key, this.maxKey);
    if (hi - lo + 1 > this.maxBuckets) lo = hi - this.maxBuckets + 1;
    const fits = lo >= this.base && hi < this.base + this.counts.length;
    if (fits) this.foldBelow(lo);
    else this.reallocate(lo, hi);
    this.minKey = Math.max(lo, Math.min(key, this.minKey));
    this.maxKey = hi;
    return Math.max(key, lo);
  }

  /** Moves counts of keys below `lo` into bucket `lo`, in place. */
  private foldBelow(lo: number): void {
    if (this.total === 0 || lo <= this.minKey) return;
    let folded = 0;
    for (let key = this.minKey; key < lo && key <= this.maxKey; key++) {
      folded += this.counts[key - this.base]!;
      this.counts[key - this.base] = 0;
    }
    this.counts[lo - this.base]! += folded;
  }

  private reallocate(lo: number, hi: number): void {
    const span = hi - lo + 1;
    const length = Math.min(this.maxBuckets, Math.max(64, span * 2, this.counts.length * 2));
    // Centre the data so growth in either direction is amortised.
    const base = lo - Math.floor((length - span) / 2);
    const counts = new Float64Array(length);
    if (this.total > 0) {
      for (let key = this.minKey; key <= this.maxKey; key++) {
        const c = this.counts[key - this.base]!;
        if (c > 0) counts[Math.max(key, lo) - base]! += c;
      }
    }
    this.counts = counts;
    this.base = base;
  }
}

function requireCount(label: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${label} must be a non-negative integer, got ${String(value)}`);
  }
}
