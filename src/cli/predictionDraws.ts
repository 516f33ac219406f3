import { InputError } from "../errors.js";

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
