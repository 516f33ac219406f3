import seedrandom from "seedrandom";

/** A source of uniform draws in [0, 1). Hot-path code takes this plain function, never an object. */
export type Rng = () => number;

/**
 * Independent named random streams under one master seed, so common random numbers line up across
 * what-if scenarios: stream `name` is `seedrandom.alea("<masterSeed>/<name>")`, whatever other streams
 * exist or how much they have been used.
 */
export class RandomStreams {
  readonly masterSeed: number | string;
  private readonly streams = new Map<string, Rng>();

  constructor(masterSeed: number | string) {
    if (typeof masterSeed === "number" && !Number.isFinite(masterSeed)) {
      throw new RangeError(
        `RandomStreams: master seed must be a finite number or a string (got ${masterSeed})`,
      );
    }
    this.masterSeed = masterSeed;
  }

  /** The stream called `name`; asking again returns the same generator, continuing where it left off. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = seedrandom.alea(`${this.masterSeed}/${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }

  /** Names of the streams created so far, in creation order (for run manifests). */
  get names(): string[] {
    return [...this.streams.keys()];
  }
}

/** Parts are joined with U+001F (unit separator) so `("a", "b")` and `("a/b")` hash differently. */
const PART_SEPARATOR = "\u001f";

/**
 * A 53-bit non-negative integer seed derived from `parts` (e.g. master seed, sweep point, replication
 * index), for `new RandomStreams(deriveSeed(seed, "point", 3, "rep", 7))`.
 *
 * STABLE: this is cyrb53 (seed 0) over the parts joined by U+001F, numbers written with `String(n)`.
 * Results' reproducibility depends on it, so it must never change. A single part hashes exactly as
 * cyrb53 of that string; `1` and `"1"` hash the same.
 */
export function deriveSeed(...parts: (string | number)[]): number {
  return cyrb53(parts.map(String).join(PART_SEPARATOR));
}

/** cyrb53 by bryc (public domain), over UTF-16 code units. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
