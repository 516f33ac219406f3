/** Anything that tells simulated time in seconds (a `Simulation` does). */
export interface Clock {
  readonly now: number;
}

/**
 * A level that holds between changes (busy servers, queue length, jobs in system) and its average over
 * simulated time. The measurement window starts at construction or at the last `reset()` (warm-up
 * removal); the current level carries over a reset. Allocation-free.
 */
export class TimeWeighted {
  // Every number field starts as a number (not `undefined`, which class-field semantics would give a field
  // declared without an initialiser): V8 then keeps it as an in-place double instead of allocating a
  // heap number on every store.
  private level = 0;
  private lastChangeSeconds = 0;
  private windowStartSeconds = 0;
  /** ∫ level dt from the window start to the last change. */
  private area = 0;
  private peak = 0;

  constructor(
    private readonly clock: Clock,
    initialLevel = 0,
  ) {
    this.level = initialLevel;
    this.lastChangeSeconds = clock.now;
    this.windowStartSeconds = clock.now;
    this.peak = initialLevel;
  }

  /** Current level. */
  get value(): number {
    return this.level;
  }

  /** Sets the level from now on. */
  set(level: number): void {
    const now = this.clock.now;
    this.area += this.level * (now - this.lastChangeSeconds);
    this.lastChangeSeconds = now;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  /** Changes the level by `delta` from now on. */
  add(delta: number): void {
    this.set(this.level + delta);
  }

  /** ∫ level dt over the window, in level·seconds (e.g. busy-core-seconds). */
  integral(): number {
    return this.area + this.level * (this.clock.now - this.lastChangeSeconds);
  }

  /** Length of the measurement window so far, seconds. */
  get elapsedSeconds(): number {
    return this.clock.now - this.windowStartSeconds;
  }

  /** Time-average level over the window; the current level when the window is still empty. */
  mean(): number {
    const elapsed = this.elapsedSeconds;
    return elapsed > 0 ? this.integral() / elapsed : this.level;
  }

  /** Highest level seen in the window (including the level it started at). */
  get max(): number {
    return this.peak;
  }

  /** Starts a new window now, keeping the current level (drop the warm-up). */
  reset(): void {
    const now = this.clock.now;
    this.area = 0;
    this.lastChangeSeconds = now;
    this.windowStartSeconds = now;
    this.peak = this.level;
  }
}
