/**
 * A running mean kept as a count and a sum: one addition per observation, the division only when read.
 * For the positive, well-scaled observations a simulation averages (durations, sizes) the plain sum's
 * relative error stays within (n − 1)·2⁻⁵³ (test/engine/mean.test.ts measures it); use Tally where a
 * variance or an extreme is wanted.
 */
export class Mean {
  private n = 0;
  private total = 0;

  /** Records one observation. */
  add(x: number): void {
    this.n++;
    this.total += x;
  }

  get count(): number {
    return this.n;
  }

  /** Sum of the observations. */
  get sum(): number {
    return this.total;
  }

  /** Arithmetic mean; NaN when empty. */
  get mean(): number {
    return this.n === 0 ? Number.NaN : this.total / this.n;
  }

  /** Forgets every observation (warm-up removal). */
  reset(): void {
    this.n = 0;
    this.total = 0;
  }
}
