import { formatNumber } from "../report/textSummary.js";
import type { Conditioning } from "./prediction.js";

/** One line on what the draws were conditioned on (run's and plan's text); null when the model has no ensemble. */
export function conditioningLine(c: Conditioning | null | undefined): string | null {
  if (!c) return null;
  if (!c.applied)
    return `not conditioned on a measured test: ${c.why}; the draws are independent over the ranges.`;
  return (
    `conditioned on ${c.figures} measured figures (${c.measured.join(", ")}; scenario ${c.scenario}): resampled by ` +
    `likelihood from ${c.points} of ${c.prior_draws} prior draws${c.unsaturated_only ? " (none saturating on the test)" : ""}, ` +
    `${formatNumber(c.effective_points, 3)} effective.`
  );
}
