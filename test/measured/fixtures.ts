import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "../../src/errors.js";

/** Absolute path of a file in test/fixtures/measured. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/measured/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** The formatted message of the InputError `fn` throws; fails the test when it throws anything else. */
export function inputErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error("expected an InputError, but nothing was thrown");
}
