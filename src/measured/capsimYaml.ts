import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
} from "yaml";
import { InputError, type InputIssue } from "../errors.js";
import { describeBytes, inputLimits } from "../input/limits.js";
import { duplicateKeys } from "../scenario/duplicateKeys.js";
import {
  allowedStages,
  type CapsimFigure,
  duplicateFigures,
  figureToSample,
  sampleToFigure,
  validateFigure,
} from "./capsimFigure.js";
import type { MeasuredSample, StageWindow } from "./sample.js";
import { parseStageWindows } from "./stages.js";

type Path = (string | number)[];

const TOP_LEVEL_KEYS = ["source", "stages", "figures"];

/** What a capsim measured-figures YAML file holds. */
export interface CapsimDocument {
  source?: string;
  stages: StageWindow[];
  figures: MeasuredSample[];
}

/**
 * Reads capsim's YAML: either a list of figures, or `{source?, stages?, figures}` where each figure is
 * `{metric, stage, value | range: [lo, hi], unit, scope, note}`. Every problem is reported as
 * `file:line:col: path: message`, all at once.
 */
export function readCapsimYaml(text: string, file: string): CapsimDocument {
  if (text.length > inputLimits.measuredYamlBytes)
    throw new InputError({
      file,
      path: "",
      message: `capsim YAML over ${describeBytes(inputLimits.measuredYamlBytes)}: write that many figures as capsim CSV`,
    });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: "core",
    merge: false,
    uniqueKeys: false, // checked in linear time below; yaml's own check is quadratic
    prettyErrors: false,
  });
  const syntax = [...doc.errors, ...doc.warnings];
  const duplicates = duplicateKeys(doc, lineCounter).map((d) => ({ file, path: "", ...d }));
  if (syntax.length > 0 || duplicates.length > 0) {
    throw new InputError([
      ...syntax.map((e) => {
        const pos = e.pos[0] >= 0 ? lineCounter.linePos(e.pos[0]) : undefined;
        return { file, ...(pos ?? {}), path: "", message: e.message.split("\n")[0] ?? e.code };
      }),
      ...duplicates,
    ]);
  }
  const issues: InputIssue[] = [];
  const at = (path: Path, message: string, onKey = false): void => {
    issues.push({ file, ...positionOf(doc, lineCounter, path, onKey), path: path.join("."), message });
  };
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError({ file, path: "", message: `cannot expand aliases: ${(error as Error).message}` });
  }

  let figuresRaw: unknown = root;
  let figuresPath: Path = [];
  let stages: StageWindow[] = [];
  let source: string | undefined;
  if (root === null || root === undefined)
    at([], "empty file: expected a list of figures or {figures: [...]}");
  else if (!Array.isArray(root)) {
    if (typeof root !== "object") at([], "expected a list of figures or a mapping with figures");
    else {
      const top = root as Record<string, unknown>;
      for (const key of Object.keys(top)) {
        if (!TOP_LEVEL_KEYS.includes(key))
          at([key], `unknown key; expected ${TOP_LEVEL_KEYS.join(", ")}`, true);
      }
      if (top.source !== undefined && typeof top.source !== "string") at(["source"], "source must be text");
      source = typeof top.source === "string" ? top.source : undefined;
      if (top.stages !== undefined && top.stages !== null) {
        const parsed = parseStageWindows(top.stages);
        stages = parsed.windows;
        for (const issue of parsed.issues)
          at(["stages", ...issue.path], issue.message, issue.message.startsWith("unknown field"));
      }
      figuresRaw = top.figures ?? [];
      figuresPath = ["figures"];
    }
  }

  const figures: { figure: CapsimFigure; path: Path; line: number | undefined }[] = [];
  if (Array.isArray(figuresRaw)) {
    const stageNames = allowedStages(stages);
    figuresRaw.forEach((item: unknown, i) => {
      const path = [...figuresPath, i];
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        at(path, "each figure must be a mapping {metric, stage, value | range, unit, scope, note}");
        return;
      }
      const result = validateFigure(item as Record<string, unknown>, stageNames);
      for (const issue of result.issues) {
        const fieldPath = issue.field.split(".").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
        at([...path, ...fieldPath], issue.message, issue.message.startsWith("unknown field"));
      }
      if (result.figure)
        figures.push({ figure: result.figure, path, line: positionOf(doc, lineCounter, path, false).line });
    });
  } else if (root !== null && root !== undefined) {
    at(figuresPath, "figures must be a list");
  }
  const located = figures.map((f) => ({ figure: f.figure, where: `line ${f.line ?? "?"}` }));
  for (const dup of duplicateFigures(located)) at([...figures[dup.index]!.path, "metric"], dup.message);
  if (issues.length > 0) throw new InputError(issues);
  return {
    ...(source !== undefined ? { source } : {}),
    stages,
    figures: figures.map((f) => figureToSample(f.figure, file, f.line)),
  };
}

/** 1-based position of the node at `path` (or its key), falling back to the nearest parent. */
function positionOf(
  doc: Document,
  lc: LineCounter,
  path: Path,
  onKey: boolean,
): { line?: number; col?: number } {
  for (let length = path.length; length >= 0; length--) {
    const found = nodeAt(doc, path.slice(0, length));
    const node = onKey && length === path.length ? (found?.key ?? found?.value) : found?.value;
    const range = (node as Node | undefined)?.range;
    if (range) return lc.linePos(range[0]);
  }
  return {};
}

function nodeAt(doc: Document, path: Path): { value: unknown; key?: unknown } | undefined {
  let current: { value: unknown; key?: unknown } = { value: doc.contents };
  for (const segment of path) {
    const container = current.value;
    if (isMap(container)) {
      const pair = (container.items as Pair[]).find(
        (p) => isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return undefined;
      current = { value: pair.value, key: pair.key };
    } else if (isSeq(container) && typeof segment === "number") {
      const item = container.items[segment];
      if (item === undefined) return undefined;
      current = { value: item };
    } else return undefined;
  }
  return current;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED =
  /^(null|Null|NULL|~|true|True|TRUE|false|False|FALSE|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** A YAML scalar: plain when unambiguous, else JSON-quoted (JSON strings are valid YAML). */
function scalar(value: string | number | null): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

/** Writes figures (and optional stage windows) in capsim's YAML; readCapsimYaml reads it back unchanged. */
export function formatCapsimYaml(doc: {
  source?: string;
  stages?: readonly StageWindow[];
  figures: readonly MeasuredSample[];
}): string {
  const out: string[] = [];
  if (doc.source !== undefined) out.push(`source: ${scalar(doc.source)}`);
  if (doc.stages && doc.stages.length > 0) {
    out.push("stages:");
    for (const s of doc.stages) out.push(`  - { name: ${scalar(s.name)}, start: ${s.start}, end: ${s.end} }`);
  }
  out.push(doc.figures.length > 0 ? "figures:" : "figures: []");
  for (const sample of doc.figures) {
    const f = sampleToFigure(sample);
    out.push(`  - metric: ${scalar(f.metric)}`, `    stage: ${scalar(f.stage)}`);
    if (f.range) out.push(`    range: [${f.range[0]}, ${f.range[1]}]`);
    else out.push(`    value: ${f.value}`);
    out.push(`    unit: ${scalar(f.unit)}`, `    scope: ${scalar(f.scope)}`);
    if (f.note) out.push(`    note: ${scalar(f.note)}`);
  }
  return `${out.join("\n")}\n`;
}
