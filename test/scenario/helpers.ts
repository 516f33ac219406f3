import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { formatIssue, InputError } from "../../src/errors.js";

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scenarios/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** Runs `fn`, requires an InputError, and returns its issues as printed lines. */
export function inputErrorLines(fn: () => unknown): string[] {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  return (caught as InputError).issues.map(formatIssue);
}
