/** The time options of `--prometheus`: instants, a step, stage windows from flags or a file. */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { InputError, type InputIssue } from "../errors.js";
import { parseGoDurationSeconds } from "../measured/goDuration.js";
import { parseStageWindows } from "../measured/stages.js";
import { parseUnixSecondsOrRfc3339 } from "../measured/time.js";
import { positionOfPath } from "../scenario/yamlNodes.js";
import type { Window } from "../series/types.js";

/** An instant given as RFC 3339 (`2024-03-01T10:00:00Z`) or unix seconds. */
export function parseInstant(text: string, option: string): number {
  const t = parseUnixSecondsOrRfc3339(text);
  if (typeof t === "string") throw new InputError({ file: option, path: "", message: `"${text}": ${t}` });
  return t;
}

/** A step as seconds (`15`) or a duration (`15s`, `1m`, `500ms`); positive. */
export function parseStep(text: string, option = "--step"): number {
  const trimmed = text.trim();
  const seconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : parseGoDurationSeconds(trimmed);
  if (seconds === undefined || !(seconds > 0))
    throw new InputError({
      file: option,
      path: "",
      message: `"${text}" is not a positive duration; give seconds (15) or a duration (15s, 1m)`,
    });
  return seconds;
}

/** `NAME=START..END`, times as RFC 3339 or unix seconds. */
export function parseStageFlag(text: string, option = "--stage"): Window {
  const eq = text.indexOf("=");
  const dots = text.indexOf("..", eq + 1);
  if (eq <= 0 || dots < 0)
    throw new InputError({
      file: option,
      path: "",
      message: `"${text}": expected NAME=START..END, e.g. dashboard=2024-03-01T10:00:00Z..2024-03-01T10:30:00Z`,
    });
  const { windows, issues } = parseStageWindows([
    { name: text.slice(0, eq), start: text.slice(eq + 1, dots), end: text.slice(dots + 2) },
  ]);
  if (issues.length > 0)
    throw new InputError(
      issues.map((i) => ({
        file: option,
        path: "",
        message: `"${text}": ${i.path.slice(1).join(".")} ${i.message}`,
      })),
    );
  return windows[0]!;
}

/** Stage windows given several times by --stage: one name once. */
export function stageFlags(texts: readonly string[]): Window[] {
  const out: Window[] = [];
  for (const text of texts) {
    const w = parseStageFlag(text);
    if (out.some((o) => o.name === w.name))
      throw new InputError({ file: "--stage", path: "", message: `stage ${w.name} is given twice` });
    out.push(w);
  }
  return out;
}

/**
 * A YAML or JSON file of stage windows: a list of {name, start, end}, or `stages:` holding one; times
 * RFC 3339 or unix seconds. Problems are positioned `file:line:col: path: message`.
 */
export function readStagesFile(path: string): Window[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError({ file: path, path: "", message: `cannot read: ${(err as Error).message}` });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(e.pos[0]);
    throw new InputError({ file: path, line, col, path: "", message: e.message.split("\n")[0]! });
  }
  const root: unknown = doc.toJS();
  const nested = typeof root === "object" && root !== null && !Array.isArray(root) && "stages" in root;
  const list = nested ? (root as { stages: unknown }).stages : root;
  const prefix = nested ? ["stages"] : [];
  const { windows, issues } = parseStageWindows(list);
  if (issues.length === 0 && windows.length === 0)
    throw new InputError({ file: path, path: "", message: "no stages: give a list of {name, start, end}" });
  if (issues.length > 0) {
    throw new InputError(
      issues.map((issue): InputIssue => {
        const at = [...prefix, ...issue.path];
        return {
          file: path,
          ...positionOfPath(doc, lineCounter, at),
          path: at.join("."),
          message: issue.message,
        };
      }),
    );
  }
  return windows;
}
