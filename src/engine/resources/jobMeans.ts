/**
 * The running means a resource reports of its finished jobs (response, wait, service) under one count.
 * Kept as sums, divided only when read: an addition per job instead of Welford's division (see Mean in
 * ../stats/mean.ts for the accuracy); the variance and extremes a Tally keeps are never read of a resource.
 */
export class JobMeans {
  private n = 0;
  private responseSum = 0;
  private waitSum = 0;
  private serviceSum = 0;

  /** Records one finished job. */
  add(responseSeconds: number, waitSeconds: number, serviceSeconds: number): void {
    this.n++;
    this.responseSum += responseSeconds;
    this.waitSum += waitSeconds;
    this.serviceSum += serviceSeconds;
  }

  get count(): number {
    return this.n;
  }

  /** Mean response time; NaN when empty (as the others). */
  get response(): number {
    return this.n === 0 ? Number.NaN : this.responseSum / this.n;
  }

  get wait(): number {
    return this.n === 0 ? Number.NaN : this.waitSum / this.n;
  }

  get service(): number {
    return this.n === 0 ? Number.NaN : this.serviceSum / this.n;
  }

  /** Forgets every job (warm-up removal). */
  reset(): void {
    this.n = 0;
    this.responseSum = 0;
    this.waitSum = 0;
    this.serviceSum = 0;
  }
}
