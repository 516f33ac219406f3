import { LineCounter, parseDocument } from "yaml";
import type { InputIssue } from "../errors.js";
import type { LoadedScenario } from "./load.js";
import { overrideSource, parseSetOverride } from "./setOverride.js";
import { positionOfPath } from "./yamlNodes.js";

function related(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Where a value of a loaded scenario came from, for a message about it: the last `--set` that set it
 * (or a part of it), else its line and column in the file (its closest ancestor's when it is a default).
 */
export function locatePath(loaded: LoadedScenario, path: string): Pick<InputIssue, "file" | "line" | "col"> {
  const segments = path.split(".");
  const override = loaded.sets.findLast((text) => {
    try {
      return related(parseSetOverride(text).path, segments);
    } catch {
      return false;
    }
  });
  if (override !== undefined) return { file: overrideSource(override) };
  const lineCounter = new LineCounter();
  const doc = parseDocument(loaded.text, {
    lineCounter,
    schema: "core",
    uniqueKeys: false,
    logLevel: "silent",
  });
  return { file: loaded.file, ...positionOfPath(doc, lineCounter, segments) };
}
