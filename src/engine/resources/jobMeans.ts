/**
 * The running means a resource reports of its finished jobs (response, wait, service) under one count.
 * Each mean takes Welford's update exactly as Tally's does (so the same bits); the variance and extremes
 * a Tally also keeps are never read of a resource, so they are not kept.
 */
export class JobMeans {
  private n = 0;
  private responseMean = 0;
  private waitMean = 0;
  private serviceMean = 0;

  /** Records one finished job. */
  add(responseSeconds: number, waitSeconds: number, serviceSeconds: number): void {
    const n = ++this.n;
    this.responseMean += (responseSeconds - this.responseMean) / n;
    this.waitMean += (waitSeconds - this.waitMean) / n;
    this.serviceMean += (serviceSeconds - this.serviceMean) / n;
  }

  get count(): number {
    return this.n;
  }

  /** Mean response time; NaN when empty (as the others). */
  get response(): number {
    return this.n === 0 ? Number.NaN : this.responseMean;
  }

  get wait(): number {
    return this.n === 0 ? Number.NaN : this.waitMean;
  }

  get service(): number {
    return this.n === 0 ? Number.NaN : this.serviceMean;
  }

  /** Forgets every job (warm-up removal). */
  reset(): void {
    this.n = 0;
    this.responseMean = 0;
    this.waitMean = 0;
    this.serviceMean = 0;
  }
}
