import { InputError } from "../errors.js";

/** The default pass band: measured within 10 % of the simulated mean. */
export const DEFAULT_TOLERANCE = 0.1;

/**
 * `--tolerance 10%` or `--tolerance 0.1`. A bare number of 1 or more is refused rather than guessed:
 * "10" could mean 10 % or 1000 %.
 */
export function parseTolerance(text: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith("%");
  const number = Number(percent ? trimmed.slice(0, -1) : trimmed);
  const bad = (message: string) => new InputError({ file: "--tolerance", path: "", message });
  if (trimmed === "" || trimmed === "%" || !Number.isFinite(number) || number < 0) {
    throw bad(`expected a percentage like 10% or a fraction like 0.1, got "${text}"`);
  }
  if (percent) return number / 100;
  if (number >= 1)
    throw bad(`"${text}" is ambiguous: write ${number}% for a percentage, or a fraction below 1`);
  return number;
}

/** 0.1 → "10%", 0.025 → "2.5%". */
export function formatTolerance(tolerance: number): string {
  return `${Number((tolerance * 100).toPrecision(6))}%`;
}
