/**
 * Nelder–Mead on the unit box [0, 1]^n: trial points are projected onto the box, so the search never
 * leaves the bounds. Standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½).
 */
export interface NelderMeadOptions {
  /** Objective evaluations allowed, the starting point included. */
  maxEvaluations: number;
  /** Initial simplex edge in unit coordinates. */
  initialStep?: number;
  /**
   * Stop when every vertex lies within this distance of the best (unit coordinates). Equal objective
   * values alone do not stop the search: a simplex straddling the minimum symmetrically has them too.
   */
  xTolerance?: number;
  /**
   * Told the points about to be evaluated one after the other when they are known together (the
   * starting simplex, a shrink), so a caller can evaluate them in parallel; the search is unchanged.
   */
  upcoming?: (points: number[][]) => void;
}

export interface NelderMeadResult {
  x: number[];
  f: number;
  evaluations: number;
  converged: boolean;
}

interface Vertex {
  x: number[];
  f: number;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

export function nelderMeadBox(
  objective: (x: number[]) => number,
  x0: readonly number[],
  opts: NelderMeadOptions,
): NelderMeadResult {
  const n = x0.length;
  const step = opts.initialStep ?? 0.1;
  const xTol = opts.xTolerance ?? 1e-3;
  let evaluations = 0;
  let best: Vertex | undefined;
  const evaluate = (x: number[]): Vertex => {
    const clamped = x.map(clamp01);
    evaluations++;
    const f = objective(clamped);
    const v = { x: clamped, f: Number.isNaN(f) ? Number.POSITIVE_INFINITY : f };
    if (!best || v.f < best.f) best = v;
    return v;
  };
  const budgetLeft = () => evaluations < opts.maxEvaluations;
  const result = (converged: boolean): NelderMeadResult => ({
    x: best!.x,
    f: best!.f,
    evaluations,
    converged,
  });

  const starts: number[][] = [[...x0]];
  for (let i = 0; i < n && starts.length < opts.maxEvaluations; i++) {
    const x = [...x0];
    // Step inwards from a bound so the simplex is not flattened by the projection.
    x[i] = x0[i]! + step <= 1 ? x0[i]! + step : x0[i]! - step;
    starts.push(x);
  }
  opts.upcoming?.(starts.map((x) => x.map(clamp01)));
  const simplex: Vertex[] = starts.map(evaluate);
  if (simplex.length < n + 1) return result(false);

  while (budgetLeft()) {
    simplex.sort((a, b) => a.f - b.f);
    const lowest = simplex[0]!;
    const worst = simplex[n]!;
    const spread = Math.max(
      ...simplex.map((v) => Math.max(...v.x.map((xi, j) => Math.abs(xi - lowest.x[j]!)))),
    );
    if (spread <= xTol) return result(true);

    const centroid = Array.from(
      { length: n },
      (_, j) => simplex.slice(0, n).reduce((s, v) => s + v.x[j]!, 0) / n,
    );
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = evaluate(along(-1));
    if (reflected.f < lowest.f) {
      if (!budgetLeft()) {
        simplex[n] = reflected;
        break;
      }
      const expanded = evaluate(along(-2));
      simplex[n] = expanded.f < reflected.f ? expanded : reflected;
      continue;
    }
    if (reflected.f < simplex[n - 1]!.f) {
      simplex[n] = reflected;
      continue;
    }
    if (!budgetLeft()) break;
    const outside = reflected.f < worst.f;
    const contracted = evaluate(along(outside ? -0.5 : 0.5));
    if (contracted.f < (outside ? reflected.f : worst.f)) {
      simplex[n] = contracted;
      continue;
    }
    const shrunk = simplex
      .slice(1, 1 + Math.min(n, opts.maxEvaluations - evaluations))
      .map((v) => v.x.map((xi, j) => lowest.x[j]! + 0.5 * (xi - lowest.x[j]!)));
    opts.upcoming?.(shrunk.map((x) => x.map(clamp01)));
    shrunk.forEach((x, k) => {
      simplex[k + 1] = evaluate(x);
    });
  }
  return result(false);
}
