import { z } from "zod";
import type { PathSegment } from "./yamlNodes.js";

/** A validation problem with a path and what in the YAML it should point at. */
export interface PathIssue {
  path: PathSegment[];
  message: string;
  /** "key" points at the mapping key itself (unknown keys); "value" at the value, or its parent if absent. */
  target: "key" | "value";
}

type ZodIssue = z.core.$ZodIssue;

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

/** Wrappers that do not change which keys an object accepts. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let guard = 0; guard < 64; guard++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodReadonly ||
      current instanceof z.ZodCatch
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else {
      return current;
    }
  }
  return current;
}

/** The keys a strict object at `path` accepts, when the schema can be followed that far. */
export function allowedKeysAt(schema: unknown, path: readonly PathSegment[]): string[] | undefined {
  let current = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap(current.shape[String(segment)]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element);
    else return undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The closest candidate when it is plausibly a typo of `word`. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length > 64) return undefined; // no typo is that long, and edit distance is quadratic
  const ranked = candidates
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate.toLowerCase()) }))
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
  const best = ranked[0];
  if (!best || best.distance >= best.candidate.length) return undefined;
  return best.distance <= Math.max(1, Math.floor(best.candidate.length / 3)) ? best.candidate : undefined;
}

/** Typos like `replcas` are the usual cause, so suggest the closest allowed key. */
export function unknownKeyMessage(key: string, allowed: readonly string[] | undefined): string {
  if (!allowed || allowed.length === 0) return `unknown key "${key}"`;
  const suggestion = closest(key, allowed);
  if (suggestion !== undefined) return `unknown key "${key}" (did you mean "${suggestion}"?)`;
  return `unknown key "${key}" (expected one of: ${allowed.join(", ")})`;
}

/** Names the allowed values and, for a near miss like `webterminal`, the intended one. */
function invalidValueMessage(value: unknown, allowed: readonly unknown[]): string {
  const options = allowed.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
  const shown = typeof value === "string" ? `"${value}"` : (JSON.stringify(value) ?? String(value));
  const strings = allowed.filter((v): v is string => typeof v === "string");
  const suggestion = typeof value === "string" ? closest(value, strings) : undefined;
  return `${shown} is not one of: ${options}${suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`}`;
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

/** True when the parent of `path` is an object in `input` that lacks the last key. */
function isMissingKey(input: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(input, path.slice(0, -1));
  if (parent === null || typeof parent !== "object" || Array.isArray(parent)) return false;
  return !Object.hasOwn(parent, String(path[path.length - 1]));
}

/** One less than the messages shown: the next one also counts the rest. */
const MAX_UNKNOWN_KEYS_SHOWN = 49;

/** Turns zod issues into path issues, one per unknown key, with friendlier wording for common cases. */
export function toPathIssues(issues: readonly ZodIssue[], schema: unknown, input: unknown): PathIssue[] {
  const result: PathIssue[] = [];
  for (const issue of issues) {
    const path = toSegments(issue.path);
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeysAt(schema, path);
      // Only so many are ever shown: 100 000 unknown keys must not cost 100 000 positioned messages.
      for (const key of issue.keys.slice(0, MAX_UNKNOWN_KEYS_SHOWN)) {
        result.push({ path: [...path, key], message: unknownKeyMessage(key, allowed), target: "key" });
      }
      const next = issue.keys[MAX_UNKNOWN_KEYS_SHOWN];
      const more = issue.keys.length - MAX_UNKNOWN_KEYS_SHOWN - 1;
      if (next !== undefined)
        result.push({
          path: [...path, next],
          message: `unknown key "${next}"${more > 0 ? `, and ${more} more unknown keys after it` : ""}`,
          target: "key",
        });
    } else if (issue.code === "invalid_type" && path.length === 0 && input == null) {
      result.push({ path, message: `the document is empty (expected ${issue.expected})`, target: "value" });
    } else if (issue.code === "invalid_type" && isMissingKey(input, path)) {
      result.push({ path, message: `required key is missing (expected ${issue.expected})`, target: "value" });
    } else if (issue.code === "invalid_type" && issue.expected === "int") {
      result.push({
        path,
        message: `expected an integer, received ${String(valueAt(input, path))}`,
        target: "value",
      });
    } else if (issue.code === "invalid_value" && issue.values.length > 1) {
      result.push({
        path,
        message: invalidValueMessage(valueAt(input, path), issue.values),
        target: "value",
      });
    } else {
      result.push({ path, message: issue.message, target: "value" });
    }
  }
  return result;
}
