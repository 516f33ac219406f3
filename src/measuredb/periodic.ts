import type { Rng } from "../engine/random/index.js";

/**
 * `count` members each firing every `periodS` seconds from a random phase (as the model starts each agent's
 * loops at a random point of its period), in time order: `due(t)` fires every event scheduled up to t.
 */
export class PeriodicStream {
  private readonly order: Int32Array;
  private readonly phases: Float64Array;
  private cursor = 0;
  private cycle = 0;

  constructor(
    count: number,
    private readonly periodS: number,
    rng: Rng,
    private readonly fire: (member: number, scheduledS: number) => void,
  ) {
    const phase = Float64Array.from({ length: count }, () => rng() * periodS);
    this.order = Int32Array.from({ length: count }, (_, i) => i).sort((a, b) => phase[a]! - phase[b]!);
    this.phases = Float64Array.from(this.order, (i) => phase[i]!);
  }

  due(nowS: number): void {
    const n = this.order.length;
    if (n === 0) return;
    for (;;) {
      const at = this.phases[this.cursor]! + this.cycle * this.periodS;
      if (at > nowS) return;
      this.fire(this.order[this.cursor]!, at);
      if (++this.cursor === n) {
        this.cursor = 0;
        this.cycle++;
      }
    }
  }
}
