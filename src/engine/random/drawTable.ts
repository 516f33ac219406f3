import type { HistogramQuantile } from "./empirical.js";
import { standardNormal } from "./normal.js";
import type { Rng } from "./streams.js";
import type { Distribution } from "./types.js";

const OTHER = 0;
const FIXED = 1;
const LOGNORMAL = 2;
const HISTOGRAM = 3;

/**
 * Distributions drawn by index. A hot path that draws from many distributions of several kinds calls
 * one monomorphic `draw` instead of each object's own `sample` (a megamorphic call): the kinds with a
 * `form` run its arithmetic here, with the same generator calls, so the values are bit for bit the same.
 */
export class DrawTable {
  private kind = new Uint8Array(8);
  /** The fixed value, or the lognormal's mu; its sigma. */
  private a = new Float64Array(8);
  private b = new Float64Array(8);
  private readonly histograms: HistogramQuantile[] = [];
  /** The histogram's index in `histograms`, or the distribution's in `others`. */
  private slot = new Int32Array(8);
  private readonly others: Distribution[] = [];
  private count = 0;

  /** Adds a distribution; returns its index. */
  add(dist: Distribution): number {
    const i = this.count++;
    if (i === this.kind.length) this.grow();
    const form = dist.form;
    if (form?.kind === "fixed") {
      this.kind[i] = FIXED;
      this.a[i] = form.value;
    } else if (form?.kind === "lognormal") {
      this.kind[i] = LOGNORMAL;
      this.a[i] = form.mu;
      this.b[i] = form.sigma;
    } else if (form?.kind === "histogram") {
      this.kind[i] = HISTOGRAM;
      this.slot[i] = this.histograms.push(form.histogram) - 1;
    } else {
      this.kind[i] = OTHER;
      this.slot[i] = this.others.push(dist) - 1;
    }
    return i;
  }

  /** One draw of distribution `i` (what its `sample(rng)` gives). */
  draw(i: number, rng: Rng): number {
    switch (this.kind[i]) {
      case FIXED:
        return this.a[i]!;
      case LOGNORMAL:
        return Math.exp(this.a[i]! + this.b[i]! * standardNormal(rng));
      case HISTOGRAM:
        return this.histograms[this.slot[i]!]!.at(rng());
      default:
        return this.others[this.slot[i]!]!.sample(rng);
    }
  }

  private grow(): void {
    const n = 2 * this.kind.length;
    const kind = new Uint8Array(n);
    kind.set(this.kind);
    this.kind = kind;
    const a = new Float64Array(n);
    a.set(this.a);
    this.a = a;
    const b = new Float64Array(n);
    b.set(this.b);
    this.b = b;
    const slot = new Int32Array(n);
    slot.set(this.slot);
    this.slot = slot;
  }
}
