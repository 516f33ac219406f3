import { formatNumber, textTable } from "../report/textSummary.js";
import { DELTA_CHI2_90, FIGURE_RELATIVE_SD, type FitRange } from "./fitRange.js";

/** calibrate's table of 90 % likelihood ranges (written into the model's `uncertainty:`). */
export function renderFitRanges(ranges: readonly FitRange[]): string[] {
  return [
    `90% likelihood ranges (chi-square within ${DELTA_CHI2_90.toFixed(2)} of the fit's, figure sd ${FIGURE_RELATIVE_SD * 100}% each, ` +
      "other fitted parameters held at their fitted values; > marks a range that reached the fit's bounds):",
    textTable(
      ["parameter", "low", "high", "evaluations"],
      ranges.map((r) => [
        r.path,
        `${r.loAtBound ? "> " : ""}${formatNumber(r.lo, 4)}`,
        `${formatNumber(r.hi, 4)}${r.hiAtBound ? " <" : ""}`,
        String(r.evaluations),
      ]),
    ),
  ];
}
