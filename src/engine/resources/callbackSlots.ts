/**
 * Holds one-shot callbacks for the convenience APIs and encodes each as a negative tag, so the
 * allocation-free paths (which carry non-negative numeric tags) and callbacks share one queue.
 */
export class CallbackSlots<F> {
  private readonly slots: (F | undefined)[] = [];
  private readonly free: number[] = [];

  /** Stores a callback and returns its tag (always < 0). */
  store(callback: F): number {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = callback;
    return -1 - slot;
  }

  /** Removes and returns the callback of a tag from `store`. */
  take(tag: number): F {
    const slot = -1 - tag;
    const callback = this.slots[slot];
    if (callback === undefined) throw noCallback(tag);
    this.slots[slot] = undefined;
    this.free.push(slot);
    return callback;
  }
}

/** Checks a caller-supplied job tag: non-negative, since negative tags mark stored callbacks. */
export function requireTag(tag: number): void {
  if (!(tag >= 0)) throw badTag(tag);
}

// Built out of line: inlined into a hot caller, TurboFan ran a template literal's number-to-string on every
// call, not only on the throw (see negativeDelay in simulation.ts).
function noCallback(tag: number): RangeError {
  return new RangeError(`no callback stored for tag ${tag}`);
}

function badTag(tag: number): RangeError {
  return new RangeError(`tag must be a number >= 0, got ${tag}`);
}
