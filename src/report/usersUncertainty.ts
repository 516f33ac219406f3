import type { BottleneckVerdict } from "../run/verdict.js";
import {
  notOfferedText,
  type UsersPrediction,
  usersPredictionRange,
} from "../uncertainty/usersPrediction.js";

/** ` (95 % CI a..b over replications; 90 % prediction c..d)` after a users figure, or "" with neither. */
export function usersUncertainty(
  ci: [number, number] | null | undefined,
  p: UsersPrediction | null | undefined,
): string {
  const parts = [
    ...(ci ? [`95 % CI ${ci[0]}..${ci[1]} over replications`] : []),
    ...(p ? [usersPredictionRange(p)] : []),
  ];
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/** Why an interval of an offered users figure is missing, and what draws left out of it say. */
export function usersUncertaintyNotes(
  b: Pick<BottleneckVerdict, "users_ci95_note" | "users_at_80pct_prediction">,
  draws: number | undefined,
): string[] {
  const p = b.users_at_80pct_prediction;
  const notOffered = p ? notOfferedText(p) : undefined;
  return [
    ...(b.users_ci95_note ? [`no 95 % CI of the users: ${b.users_ci95_note}`] : []),
    // Null (not absent: older summaries lack it) with draws: too few of them offered an extrapolation.
    ...(p === null && draws
      ? [`no 90 % prediction of the users: fewer than two of ${draws} draws offered an extrapolation`]
      : []),
    ...(notOffered ? [`prediction of the users: ${notOffered}`] : []),
  ];
}
