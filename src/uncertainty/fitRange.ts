import type { Document } from "yaml";
import { type FitParameter, roundValue } from "../calibrate/fitParameters.js";
import type { UncertaintyEntry } from "./schema.js";

/**
 * Likelihood ranges of fitted parameters (`capsim calibrate --uncertainty`). Each figure's relative
 * error is read as a normal error with σ = compare's 10 % tolerance, so χ² = objective / σ², and a
 * parameter's 90 % range is where χ² stays within 2.706 (χ²₁ at 0.90) of the fit's, the other fitted
 * parameters held at their fitted values. Holding them makes it a conditional range, narrower than a
 * full profile where parameters trade off; docs/uncertainty.md says so.
 */
export const FIGURE_RELATIVE_SD = 0.1;
export const DELTA_CHI2_90 = 2.705543;
/** First step from the fitted value in unit coordinates of the fit's bounds; it doubles until out. */
const FIRST_STEP = 0.03;
const BISECTIONS = 4;

export interface FitRange {
  path: string;
  lo: number;
  hi: number;
  /** The range reached the fit's bounds on that side (the data do not bound it within them). */
  loAtBound: boolean;
  hiAtBound: boolean;
  evaluations: number;
}

/** One simulation's objective at a unit point (+∞ for a refused model). */
export type UnitObjective = (unit: readonly number[]) => number;

export function fitRanges(
  params: readonly FitParameter[],
  fromUnit: (p: FitParameter, unit: number) => number,
  fittedUnit: readonly number[],
  best: number,
  objective: UnitObjective,
): FitRange[] {
  const limit = best + DELTA_CHI2_90 * FIGURE_RELATIVE_SD ** 2;
  return params.map((p, i) => {
    let evaluations = 0;
    const at = (u: number) => {
      evaluations++;
      return objective(fittedUnit.map((x, j) => (j === i ? u : x)));
    };
    const down = edge(fittedUnit[i]!, -1, limit, at);
    const up = edge(fittedUnit[i]!, 1, limit, at);
    return {
      path: p.path,
      lo: fromUnit(p, down.unit),
      hi: fromUnit(p, up.unit),
      loAtBound: down.atBound,
      hiAtBound: up.atBound,
      evaluations,
    };
  });
}

/** Walks from `start` in `dir` with doubling steps until the objective passes `limit`, then bisects. */
function edge(
  start: number,
  dir: 1 | -1,
  limit: number,
  at: (u: number) => number,
): { unit: number; atBound: boolean } {
  let inside = start;
  let step = FIRST_STEP;
  for (;;) {
    const u = Math.min(1, Math.max(0, start + dir * step));
    if (at(u) > limit) {
      let outside = u;
      for (let b = 0; b < BISECTIONS; b++) {
        const mid = (inside + outside) / 2;
        if (at(mid) > limit) outside = mid;
        else inside = mid;
      }
      return { unit: (inside + outside) / 2, atBound: false };
    }
    inside = u;
    if (u === 0 || u === 1) return { unit: u, atBound: true };
    step *= 2;
  }
}

/**
 * The fitted model document with each range written into `uncertainty:` as a factor on the fitted
 * value (kind fitted), replacing an entry for the same parameter. A range on one key of a
 * distribution (`path.p95`) has no `uncertainty:` form and is left out.
 */
export function withFitRanges(
  doc: Document,
  params: readonly FitParameter[],
  fitted: readonly number[],
  ranges: readonly FitRange[],
  how: string,
): Document {
  const out = doc.clone();
  const current = ((out.toJS() as { uncertainty?: UncertaintyEntry[] }).uncertainty ?? []).slice();
  ranges.forEach((r, i) => {
    const p = params[i]!;
    if (p.kind === "key" || !(fitted[i]! > 0)) return;
    const entry: UncertaintyEntry = {
      path: p.paramPath.join("."),
      low: Math.min(roundValue(r.lo / fitted[i]!), 0.999),
      high: Math.max(roundValue(r.hi / fitted[i]!), 1.001),
      as: "factor",
      kind: "fitted",
      source:
        `capsim calibrate --uncertainty: chi-square within ${DELTA_CHI2_90.toFixed(2)} of the fit's (90 %), each figure's ` +
        `relative error taken as sd ${FIGURE_RELATIVE_SD}, the other fitted parameters held at their fitted values ` +
        `(${r.evaluations} evaluations${r.loAtBound || r.hiAtBound ? "; reached the fit's bounds, so the data do not bound it there" : ""}); ${how}`,
    };
    const at = current.findIndex((e) => e.path === entry.path);
    if (at >= 0)
      current[at] = { ...entry, ...(current[at]!.measure ? { measure: current[at]!.measure } : {}) };
    else current.push(entry);
  });
  out.set("uncertainty", out.createNode(current));
  return out;
}
