import type { Rng } from "../engine/random/index.js";

/**
 * A Latin hypercube of `n` points in [0, 1]^k: each dimension's n strata [i/n, (i+1)/n) hold exactly
 * one point each, so even a few draws span every parameter's whole range (McKay, Beckman and Conover,
 * Technometrics 21 (1979) 239-245).
 */
export function latinHypercube(n: number, k: number, rng: Rng): number[][] {
  const points = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    const strata = shuffled(n, rng);
    for (let i = 0; i < n; i++) points[i]![j] = (strata[i]! + rng()) / n;
  }
  return points;
}

/** 0..n-1 in random order (Fisher-Yates). */
export function shuffled(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
