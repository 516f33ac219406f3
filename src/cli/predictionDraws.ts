import { InputError } from "../errors.js";
import { DEFAULT_PREDICTION_DRAWS } from "../uncertainty/prediction.js";
import type { PredictionOffSource } from "../uncertainty/predictionOff.js";

/** `--prediction-draws`: 0 turns the prediction off; one draw has no spread to measure. */
export function predictionDraws(text: string): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && (n === 0 || n >= 2) && n <= 1000)) {
    throw new InputError({
      file: "--prediction-draws",
      path: "",
      message: `expected 0 (no prediction) or a whole number from 2 to 1000, got "${text}"`,
    });
  }
  return n;
}

/** Where a run's number of draws came from: the flag, the scenario's `prediction.draws`, or capsim's default. */
export type DrawsSource = PredictionOffSource | "default";

/** The draws to run: --prediction-draws if given, else the scenario's `prediction.draws`, else the default. */
export function drawsFor(
  flag: number | undefined,
  scenario: { prediction?: { draws: number } | undefined },
): { draws: number; source: DrawsSource } {
  if (flag !== undefined) return { draws: flag, source: "flag" };
  if (scenario.prediction) return { draws: scenario.prediction.draws, source: "scenario" };
  return { draws: DEFAULT_PREDICTION_DRAWS, source: "default" };
}
