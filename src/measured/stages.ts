import { InputError } from "../errors.js";
import type { StageWindow } from "./sample.js";
import { parseUnixSecondsOrRfc3339 } from "./time.js";

/** A stage window as written by a person: times as unix seconds or RFC 3339 text. */
export interface StageWindowInput {
  name: string;
  start: number | string;
  end: number | string;
}

/** A problem at a path below the `stages` list (`[2, "end"]`). */
export interface StageIssue {
  path: (string | number)[];
  message: string;
}

/** Validates `[{name, start, end}]`: unique names, parseable times, start before end. */
export function parseStageWindows(raw: unknown): { windows: StageWindow[]; issues: StageIssue[] } {
  const issues: StageIssue[] = [];
  const windows: StageWindow[] = [];
  if (!Array.isArray(raw))
    return { windows, issues: [{ path: [], message: "stages must be a list of {name, start, end}" }] };
  const names = new Set<string>();
  raw.forEach((item: unknown, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      issues.push({ path: [i], message: "each stage must be {name, start, end}" });
      return;
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!["name", "start", "end"].includes(key))
        issues.push({ path: [i, key], message: "unknown field; a stage has name, start, end" });
    }
    if (typeof entry.name !== "string" || entry.name === "") {
      issues.push({ path: [i, "name"], message: "name must be a stage name such as dashboard" });
      return;
    }
    if (names.has(entry.name))
      issues.push({ path: [i, "name"], message: `stage ${entry.name} is declared twice` });
    names.add(entry.name);
    const start = parseUnixSecondsOrRfc3339(entry.start);
    const end = parseUnixSecondsOrRfc3339(entry.end);
    if (typeof start === "string") issues.push({ path: [i, "start"], message: `start ${start}` });
    if (typeof end === "string") issues.push({ path: [i, "end"], message: `end ${end}` });
    if (typeof start === "number" && typeof end === "number") {
      if (end <= start) issues.push({ path: [i, "end"], message: "end must be after start" });
      else windows.push({ name: entry.name, start, end });
    }
  });
  return { windows, issues };
}

/** Stage windows passed in code (e.g. from CLI flags); problems are InputErrors against `source`. */
export function toStageWindows(raw: readonly StageWindowInput[], source = "<stages>"): StageWindow[] {
  const { windows, issues } = parseStageWindows(raw);
  if (issues.length > 0) {
    throw new InputError(
      issues.map((issue) => ({ file: source, path: issue.path.join("."), message: issue.message })),
    );
  }
  return windows;
}
