/**
 * coderd's API rate limiter (coderd/httpmw/ratelimit.go over go-chi/httprate): each replica keeps its own
 * in-memory counters, keyed by user, over one-minute windows aligned to the clock. A request is refused
 * (429) when round(previous window's count × the share of it still inside the sliding minute + this
 * window's count) + 1 exceeds the limit; refused requests are not counted.
 */
export class RateLimiter {
  private readonly windowSeconds = 60;
  /** Per replica × key: the window index the counts belong to, this window's and the previous one's count. */
  private readonly windowOf: Float64Array;
  private readonly current: Float64Array;
  private readonly previous: Float64Array;
  /** Requests refused so far (a counter). */
  rejectedTotal = 0;
  acceptedTotal = 0;

  constructor(
    replicas: number,
    private readonly keys: number,
    readonly limitPerMinute: number,
  ) {
    this.windowOf = new Float64Array(replicas * keys).fill(Number.NEGATIVE_INFINITY);
    this.current = new Float64Array(replicas * keys);
    this.previous = new Float64Array(replicas * keys);
  }

  /** Whether replica `replica` lets a request of user `key` through at time `nowSeconds` (and counts it). */
  allow(replica: number, key: number, nowSeconds: number): boolean {
    const i = replica * this.keys + key;
    const window = Math.floor(nowSeconds / this.windowSeconds);
    const last = this.windowOf[i]!;
    if (window !== last) {
      this.previous[i] = window === last + 1 ? this.current[i]! : 0;
      this.current[i] = 0;
      this.windowOf[i] = window;
    }
    const intoWindow = nowSeconds - window * this.windowSeconds;
    const rate =
      (this.previous[i]! * (this.windowSeconds - intoWindow)) / this.windowSeconds + this.current[i]!;
    if (Math.round(rate) + 1 > this.limitPerMinute) {
      this.rejectedTotal++;
      return false;
    }
    this.current[i]!++;
    this.acceptedTotal++;
    return true;
  }
}
