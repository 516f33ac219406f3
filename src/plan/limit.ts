import { InputError } from "../errors.js";
import { pathKey } from "../sweep/grid.js";
import { type LoadLink, linkedOverrides, loadLink, USERS_PATH } from "../sweep/linkedLoad.js";
import type { Assessment, Check } from "./checks.js";
import { earlyReplications, simulateSequentially } from "./earlyReject.js";
import { isIntegerPath, numberAt, type SearchContext, simulate, variant } from "./simulate.js";

/** How close the bracket must get: a fraction of the value, or an absolute amount. */
export type Tolerance = { relative: number } | { absolute: number };

export function parseTolerance(text: string): Tolerance {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const n = percent ? Number(percent[1]) / 100 : Number(text);
  if (!Number.isFinite(n) || n < 0) {
    throw new InputError({
      file: "--tolerance",
      path: "",
      message: `expected a number or a percentage, got "${text}"`,
    });
  }
  return percent ? { relative: n } : { absolute: n };
}

export interface LimitOptions {
  /** The parameter to push up (e.g. workload.users); its load is assumed to grow with it. */
  path: string;
  /** Lowest value to consider (default: the scenario's value, halving from there if it already fails). */
  min?: number;
  /** Highest value to consider. */
  max?: number;
  tolerance: Tolerance;
  /** Simulations at most (default 40). */
  maxEvaluations?: number;
  onEvaluation?: (evaluation: LimitEvaluation) => void;
  /** A value failing a check clearly on its first replications is over the limit there (src/plan/earlyReject.ts); default true. */
  earlyReject?: boolean;
}

export interface LimitEvaluation {
  value: number;
  assessment: Assessment;
  /** Replications the assessment rests on (fewer than the search's: rejected early). */
  replications: number;
}

export type LimitStatus = "found" | "none_holds" | "holds_up_to_max" | "budget_exhausted";

export interface LimitResult {
  path: string;
  integer: boolean;
  status: LimitStatus;
  /** Largest value simulated where every check held. */
  value: number | null;
  /** Smallest value simulated above it where a check failed. */
  firstFailing: number | null;
  atValue: Assessment | null;
  atFailing: Assessment | null;
  /** "clear" when the verdicts on both sides of the boundary hold anywhere in their CIs (see uncertainChecks). */
  confidence: "clear" | "within_ci";
  /** What fails at `firstFailing`, worst first. */
  limitedBy: Check[];
  evaluations: LimitEvaluation[];
  link: LoadLink | null;
}

/**
 * The checks that make the boundary uncertain: at the passing value, any check whose CI straddles its
 * threshold (it may really fail); at the failing value, the failing checks, but only if none of them
 * fails clearly (one clear failure settles it).
 */
export function uncertainChecks(atValue: Assessment | null, atFailing: Assessment | null): Check[] {
  const below = atValue?.checks.filter((c) => !c.clear && c.value !== null) ?? [];
  const failing = atFailing?.failing ?? [];
  const above = failing.some((c) => c.clear) ? [] : failing;
  return [...below, ...above];
}

/** Far beyond any Coder deployment; stops doubling on a parameter that never fails. */
const HARD_CAP = 1e9;

/**
 * The largest value of a parameter at which every check holds: double from the scenario's value until
 * a check fails (or halve until they hold), then bisect the bracket down to the tolerance. Whole
 * numbers for counts. Every simulation uses the same seeds, so neighbouring values differ by the
 * parameter, not by noise. Assumes the load grows with the parameter (users, agents, rates).
 */
export function findLimit(ctx: SearchContext, opts: LimitOptions): LimitResult {
  if (opts.path.includes("=")) {
    throw new InputError({
      file: `--vary ${opts.path}`,
      path: "",
      message: "limit takes a path only (e.g. workload.users)",
    });
  }
  const current = numberAt(ctx.base.scenario, opts.path);
  const start = opts.min ?? current;
  if (start === undefined) {
    throw new InputError({
      file: ctx.base.file,
      path: opts.path,
      message: "has no numeric value here; give --min",
    });
  }
  const integer = isIntegerPath(ctx, opts.path, start);
  const first = integer ? Math.max(1, Math.round(start)) : start;
  if (!(first > 0))
    throw new InputError({
      file: "--min",
      path: opts.path,
      message: "the search needs a positive start; give --min",
    });
  if (opts.max !== undefined && opts.max < first) {
    throw new InputError({ file: "--max", path: opts.path, message: `below the starting value ${first}` });
  }
  const isUsers = pathKey(opts.path) === pathKey(USERS_PATH);
  const link = isUsers ? loadLink(ctx.base, ctx.sets, [opts.path]) : null;
  const budget = opts.maxEvaluations ?? 40;
  const evaluations: LimitEvaluation[] = [];
  const byValue = new Map<number, Assessment>();

  const early = opts.earlyReject === false ? undefined : earlyReplications(ctx.replications);
  const evaluateAt = (value: number): boolean => {
    const loaded = variant(ctx, [`${opts.path}=${value}`, ...linkedOverrides(link, value)]);
    const { assessment, replications } = early
      ? simulateSequentially(ctx, loaded, early)
      : simulate(ctx, loaded);
    const evaluation = { value, assessment, replications };
    evaluations.push(evaluation);
    byValue.set(value, assessment);
    opts.onEvaluation?.(evaluation);
    return assessment.passes;
  };
  const result = (status: LimitStatus, lo: number | null, hi: number | null): LimitResult => {
    const atValue = lo === null ? null : byValue.get(lo)!;
    const atFailing = hi === null ? null : byValue.get(hi)!;
    const clear = uncertainChecks(atValue, atFailing).length === 0;
    return {
      path: opts.path,
      integer,
      status,
      value: lo,
      firstFailing: hi,
      atValue,
      atFailing,
      confidence: clear ? "clear" : "within_ci",
      limitedBy: atFailing?.failing ?? [],
      evaluations,
      link,
    };
  };

  // Bracket: a value that holds (lo) and one that fails (hi).
  let lo: number;
  let hi: number;
  if (evaluateAt(first)) {
    lo = first;
    const ceiling = Math.min(opts.max ?? HARD_CAP, HARD_CAP);
    for (;;) {
      if (lo >= ceiling) return result("holds_up_to_max", lo, null);
      if (evaluations.length >= budget) return result("budget_exhausted", lo, null);
      const next: number = Math.min(lo * 2, ceiling);
      if (!evaluateAt(next)) {
        hi = next;
        break;
      }
      lo = next;
    }
  } else {
    hi = first;
    // A given --min is a floor: below it is outside the question asked.
    if (opts.min !== undefined) return result("none_holds", null, hi);
    const floor = integer ? 1 : first / 1024;
    for (;;) {
      if (evaluations.length >= budget) return result("budget_exhausted", null, hi);
      const next: number = integer ? Math.floor(hi / 2) : hi / 2;
      if (next < floor || next === hi) return result("none_holds", null, hi);
      if (evaluateAt(next)) {
        lo = next;
        break;
      }
      hi = next;
    }
  }
  // Bisect down to the tolerance (whole numbers: until the two are neighbours).
  const width = (at: number) => {
    const tol = "relative" in opts.tolerance ? opts.tolerance.relative * at : opts.tolerance.absolute;
    return integer ? Math.max(1, tol) : tol;
  };
  while (hi - lo > width(lo)) {
    if (evaluations.length >= budget) return result("budget_exhausted", lo, hi);
    const mid: number = integer ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (evaluateAt(mid)) lo = mid;
    else hi = mid;
  }
  return result("found", lo, hi);
}
