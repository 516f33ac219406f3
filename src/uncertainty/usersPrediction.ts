import type { RunSummary } from "../run/runScenario.js";
import { type Prediction, predictionInterval } from "./prediction.js";

/**
 * Where one test would put the sizing answer (`bottleneck.users_at_80pct_prediction`, docs/output.md).
 * A draw that offers no extrapolation is left out of `low`..`high` but counted: a saturated draw is one
 * with the lowest limit, so the interval of the others is biased upwards and must say so.
 */
export type UsersPrediction = Prediction & {
  /** Draws whose extrapolation was not offered (saturated, or unsteady load): not in `low`..`high`. */
  not_offered_draws: number;
  /** Of those, draws whose named resource saturated: the limit is below the simulated load in them. */
  saturated_draws: number;
  of: number;
};

type UsersField = "users_at_80pct" | "users_at_100pct";

/** The draws' interval of one users figure, rounded like the point value; null below two offering draws. */
export function usersPrediction(
  draws: readonly RunSummary[],
  field: UsersField,
  level: number,
): UsersPrediction | null {
  const interval = predictionInterval(
    draws.map((d) => d.bottleneck[field]),
    level,
  );
  if (!interval) return null;
  const missing = draws.filter((d) => d.bottleneck[field] === null);
  return {
    low: Math.round(interval.low),
    high: Math.round(interval.high),
    level,
    not_offered_draws: missing.length,
    saturated_draws: missing.filter((d) => d.bottleneck.saturated.includes(d.bottleneck.resource)).length,
    of: draws.length,
  };
}

/** `90 % prediction c..d`, marked when draws that offered none are left out. */
export function usersPredictionRange(p: UsersPrediction): string {
  const range = `${Math.round(p.level * 100)} % prediction ${p.low}..${p.high}`;
  return p.not_offered_draws > 0 ? `${range} of the draws that offered one` : range;
}

/** What the left-out draws say: the limit lies below the load they simulated. Undefined when none was. */
export function notOfferedText(p: UsersPrediction): string | undefined {
  const unsteady = p.not_offered_draws - p.saturated_draws;
  const parts = [
    ...(p.saturated_draws > 0
      ? [`${p.saturated_draws} of ${p.of} draws saturated: the limit is below the simulated load in those`]
      : []),
    ...(unsteady > 0 ? [`${unsteady} of ${p.of} draws had no steady load to extrapolate from`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : undefined;
}
