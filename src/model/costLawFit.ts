/** How a statement's cost grows with the n rows it reads: c·n (a scan) or c·n ln n (a sort). */
export type CostLaw = "linear" | "n_ln_n";

/** n ln n, the cost law of a statement that sorts its n rows (0 for n <= 1). */
export function nLnN(n: number): number {
  return n > 1 ? n * Math.log(n) : 0;
}

/** The law's measure of n rows: cost = coefficient × units. */
export function lawUnits(law: CostLaw, n: number): number {
  return law === "linear" ? n : nLnN(n);
}

export interface LawPoint {
  /** Rows the statement read. */
  n: number;
  /** Its measured cost, e.g. CPU-seconds per execution. */
  y: number;
}

export interface LawFit {
  law: CostLaw;
  coefficient: number;
  /** (fitted − measured) / measured, per point in input order. */
  relativeResiduals: number[];
  /** Root mean square of the relative residuals. */
  rmsRelative: number;
}

/**
 * Fits cost = c × units(n) through the origin, minimising the squared relative errors (each point
 * weighs the same whatever its size): with a = units/y, c = Σa / Σa².
 */
export function fitCostLaw(points: readonly LawPoint[], law: CostLaw): LawFit {
  if (points.length === 0) throw new RangeError("fitCostLaw: no points");
  const a = points.map((p) => {
    if (!(p.y > 0) || !(p.n > 1))
      throw new RangeError(`fitCostLaw: need n > 1 and y > 0, got n=${p.n} y=${p.y}`);
    return lawUnits(law, p.n) / p.y;
  });
  const coefficient = a.reduce((s, x) => s + x, 0) / a.reduce((s, x) => s + x * x, 0);
  const relativeResiduals = a.map((x) => coefficient * x - 1);
  const rmsRelative = Math.sqrt(relativeResiduals.reduce((s, r) => s + r * r, 0) / a.length);
  return { law, coefficient, relativeResiduals, rmsRelative };
}
