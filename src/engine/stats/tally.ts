/**
 * A running summary of observations (response times, batch sizes) by Welford's algorithm, which stays
 * accurate where the naive sum-of-squares cancels catastrophically. O(1) memory, allocation-free `add`.
 */
export class Tally {
  private n = 0;
  private runningMean = 0;
  /** Sum of squared deviations from the running mean (Welford's M2). */
  private m2 = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;

  /** Records one observation. */
  add(x: number): void {
    const n = ++this.n;
    const delta = x - this.runningMean;
    this.runningMean += delta / n;
    this.m2 += delta * (x - this.runningMean);
    if (x < this.minimum) this.minimum = x;
    if (x > this.maximum) this.maximum = x;
  }

  get count(): number {
    return this.n;
  }

  /** Arithmetic mean; NaN when empty. */
  get mean(): number {
    return this.n === 0 ? Number.NaN : this.runningMean;
  }

  /** Sum of the observations. */
  get sum(): number {
    return this.runningMean * this.n;
  }

  /** Sample variance (n − 1 denominator); NaN below two observations. */
  get variance(): number {
    return this.n < 2 ? Number.NaN : this.m2 / (this.n - 1);
  }

  /** Sample standard deviation; NaN below two observations. */
  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Smallest observation; NaN when empty. */
  get min(): number {
    return this.n === 0 ? Number.NaN : this.minimum;
  }

  /** Largest observation; NaN when empty. */
  get max(): number {
    return this.n === 0 ? Number.NaN : this.maximum;
  }

  /** Folds another tally in, as if its observations had been added here (Chan et al. pairwise update). */
  merge(other: Tally): this {
    if (other.n === 0) return this;
    if (this.n === 0) {
      this.n = other.n;
      this.runningMean = other.runningMean;
      this.m2 = other.m2;
      this.minimum = other.minimum;
      this.maximum = other.maximum;
      return this;
    }
    const n = this.n + other.n;
    const delta = other.runningMean - this.runningMean;
    this.runningMean += (delta * other.n) / n;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.n = n;
    if (other.minimum < this.minimum) this.minimum = other.minimum;
    if (other.maximum > this.maximum) this.maximum = other.maximum;
    return this;
  }

  /** Forgets every observation (warm-up removal). */
  reset(): void {
    this.n = 0;
    this.runningMean = 0;
    this.m2 = 0;
    this.minimum = Number.POSITIVE_INFINITY;
    this.maximum = Number.NEGATIVE_INFINITY;
  }

  toJSON(): TallySummary {
    return { count: this.n, mean: this.mean, sd: this.sd, min: this.min, max: this.max };
  }
}

export interface TallySummary {
  count: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
}
