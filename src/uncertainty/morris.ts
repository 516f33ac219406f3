import type { Rng } from "../engine/random/index.js";
import { shuffled } from "./lhs.js";

/**
 * Morris's elementary-effects screening (Morris, Technometrics 33 (1991) 161-174; mu* from Campolongo,
 * Cariboni and Saltelli, Environ. Model. Softw. 22 (2007) 1509-1518) on the unit cube [0, 1]^k.
 * A trajectory starts at a grid point and moves one factor at a time by ±Δ, so k + 1 evaluations give
 * one elementary effect per factor: (f(x ± Δe_i) − f(x)) / (±Δ).
 */

/** Grid levels per factor (0, 1/3, 2/3, 1) and the step Δ = p / (2 (p − 1)) = 2/3 Morris recommends. */
export const MORRIS_LEVELS = 4;
export const MORRIS_DELTA = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1));

/** One trajectory: k + 1 points; `moved[s]` is the factor that changes from point s to point s + 1. */
export interface Trajectory {
  points: number[][];
  moved: number[];
}

/** `r` random trajectories over k factors. */
export function morrisTrajectories(k: number, r: number, rng: Rng): Trajectory[] {
  return Array.from({ length: r }, () => trajectory(k, rng));
}

function trajectory(k: number, rng: Rng): Trajectory {
  const level = () => Math.floor(rng() * MORRIS_LEVELS) / (MORRIS_LEVELS - 1);
  let x = Array.from({ length: k }, level);
  const points = [x];
  const moved = shuffled(k, rng);
  for (const i of moved) {
    x = [...x];
    // Up when the step stays inside the cube, else down: every level has exactly one partner.
    x[i] = x[i]! + MORRIS_DELTA <= 1 + 1e-12 ? x[i]! + MORRIS_DELTA : x[i]! - MORRIS_DELTA;
    points.push(x);
  }
  return { points, moved };
}

/** Elementary effects of one trajectory's outputs: [factor, effect] per step (NaN outputs skipped). */
export function elementaryEffects(t: Trajectory, outputs: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  t.moved.forEach((i, s) => {
    const dx = t.points[s + 1]![i]! - t.points[s]![i]!;
    const dy = outputs[s + 1]! - outputs[s]!;
    if (Number.isFinite(dy)) out.push([i, dy / dx]);
  });
  return out;
}

export interface MorrisIndex {
  /** Mean of |EE|: the factor's overall influence (output change over its whole range, if linear). */
  muStar: number;
  /** Mean of EE: its direction (cancels when the effect changes sign). */
  mu: number;
  /** Standard deviation of EE: non-linearity or interaction with other factors. */
  sigma: number;
  /** Elementary effects that entered (trajectories whose outputs were finite). */
  n: number;
}

/** mu*, mu and sigma per factor over all trajectories. */
export function morrisIndices(
  k: number,
  trajectories: readonly Trajectory[],
  outputs: readonly number[][],
): MorrisIndex[] {
  const effects: number[][] = Array.from({ length: k }, () => []);
  trajectories.forEach((t, j) => {
    for (const [i, ee] of elementaryEffects(t, outputs[j]!)) effects[i]!.push(ee);
  });
  return effects.map((ees) => {
    const n = ees.length;
    if (n === 0) return { muStar: Number.NaN, mu: Number.NaN, sigma: Number.NaN, n };
    const mu = ees.reduce((a, b) => a + b, 0) / n;
    const muStar = ees.reduce((a, b) => a + Math.abs(b), 0) / n;
    const sigma = n > 1 ? Math.sqrt(ees.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1)) : Number.NaN;
    return { muStar, mu, sigma, n };
  });
}

/** Per factor, the share of its steps after which a categorical output (the bottleneck) differs. */
export function flipShares(
  k: number,
  trajectories: readonly Trajectory[],
  labels: readonly string[][],
): number[] {
  const steps = new Array<number>(k).fill(0);
  const flips = new Array<number>(k).fill(0);
  trajectories.forEach((t, j) => {
    t.moved.forEach((i, s) => {
      steps[i]!++;
      if (labels[j]![s] !== labels[j]![s + 1]) flips[i]!++;
    });
  });
  return flips.map((f, i) => (steps[i]! > 0 ? f / steps[i]! : 0));
}
