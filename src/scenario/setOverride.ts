import type { Document, Node } from "yaml";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { InputError, type InputIssue } from "../errors.js";
import { duplicateKeys } from "./duplicateKeys.js";
import { asIndex, findPair } from "./yamlNodes.js";

/** A Helm-like `--set dotted.path=value`: the value is a YAML scalar or flow value, typed like the file. */
export interface SetOverride {
  /** Keys and sequence indices, as written (`["stages", "1", "duration_s"]`). */
  path: string[];
  value: unknown;
  /** The argument as the user typed it, used as the "file" of issues it causes. */
  text: string;
}

/** Longest `--set` argument quoted in messages: a 100 KB value is not echoed whole. */
const MAX_SHOWN_ARGUMENT = 120;

/** Issues caused by an override name it instead of a file position (long arguments cut). */
export function overrideSource(text: string): string {
  const shown =
    text.length > MAX_SHOWN_ARGUMENT
      ? `${text.slice(0, MAX_SHOWN_ARGUMENT)}... (${text.length - MAX_SHOWN_ARGUMENT} more characters)`
      : text;
  return `--set ${shown}`;
}

/** Splits on unescaped dots; `\.` keeps a dot inside a key and `\\` a backslash. */
function splitPath(pathText: string): string[] | string {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < pathText.length; i++) {
    const ch = pathText[i];
    if (ch === "\\") {
      const next = pathText[i + 1];
      if (next !== "." && next !== "\\") return `bad escape at character ${i + 1} (use \\. or \\\\)`;
      current += next;
      i++;
    } else if (ch === ".") {
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  if (segments.some((s) => s.trim() === "")) return "empty key in path (expected a.b.c=value)";
  return segments;
}

/** Long values are cut in messages so one bad argument cannot flood the terminal. */
function quoted(valueText: string): string {
  return JSON.stringify(valueText.length > 60 ? `${valueText.slice(0, 57)}...` : valueText);
}

/** Parses `a.b.c=value`; malformed text throws InputError naming the argument. */
export function parseSetOverride(text: string): SetOverride {
  const fail = (message: string): never => {
    throw new InputError({ file: overrideSource(text), path: "", message });
  };
  const eq = text.indexOf("=");
  if (eq < 0) return fail("expected dotted.path=value");
  const path = splitPath(text.slice(0, eq).trim());
  if (typeof path === "string") return fail(path);
  const valueText = text.slice(eq + 1);
  let value: unknown;
  try {
    // Core schema, no custom tags, no aliases: a value is data, never code.
    const lineCounter = new LineCounter();
    const doc = parseDocument(valueText, {
      lineCounter,
      schema: "core",
      merge: false,
      uniqueKeys: false,
      prettyErrors: false,
      logLevel: "error",
    });
    const problem = doc.errors[0] ?? doc.warnings[0] ?? duplicateKeys(doc, lineCounter)[0];
    if (problem) return fail(`cannot parse value ${quoted(valueText)}: ${problem.message}`);
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    if (error instanceof InputError) throw error;
    return fail(`cannot use value ${quoted(valueText)}: ${(error as Error).message}`);
  }
  return { path, value, text };
}

/** Parses every argument and reports all malformed ones together. */
export function parseSetOverrides(texts: readonly string[]): SetOverride[] {
  const issues: InputIssue[] = [];
  const overrides: SetOverride[] = [];
  for (const text of texts) {
    try {
      overrides.push(parseSetOverride(text));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return overrides;
}

function describeNode(node: unknown): string {
  if (isAlias(node)) return "an alias";
  if (isScalar(node)) return node.value === null ? "null" : `a ${typeof node.value} value`;
  return "a non-collection value";
}

/** Sets one override into the document (like `doc.setIn`), creating missing mappings on the way. */
export function applySetOverride(doc: Document, override: SetOverride): void {
  function fail(depth: number, message: string): never {
    const at = override.path.slice(0, depth).join(".") || "(document root)";
    throw new InputError({ file: overrideSource(override.text), path: at, message });
  }
  const valueNode = doc.createNode(override.value) as Node;
  // Builds the nodes for path[from..] ending in the value, as nested mappings.
  const build = (from: number): Node => {
    let node: Node = valueNode;
    for (let i = override.path.length - 1; i >= from; i--) {
      const map = doc.createNode({}) as Node & { items: unknown[] };
      map.items.push(doc.createPair(override.path[i], node));
      node = map;
    }
    return node;
  };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = build(0) as typeof doc.contents;
    return;
  }
  let container: unknown = doc.contents;
  for (let depth = 0; depth < override.path.length; depth++) {
    const segment = override.path[depth]!;
    const last = depth === override.path.length - 1;
    if (isMap(container)) {
      const pair = findPair(container, segment);
      if (!pair) {
        container.items.push(doc.createPair(segment, build(depth + 1)));
        return;
      }
      if (last || (isScalar(pair.value) && pair.value.value === null)) {
        pair.value = build(depth + 1);
        return;
      }
      container = pair.value;
    } else if (isSeq(container)) {
      const index = asIndex(segment);
      const length = container.items.length;
      if (index === undefined) fail(depth, `"${segment}" is not a list index`);
      if (index > length) fail(depth + 1, `index ${index} is out of range: the list has ${length} items`);
      const item = container.items[index];
      if (index === length || last || (isScalar(item) && item.value === null)) {
        container.items[index] = build(depth + 1);
        return;
      }
      container = item;
    } else {
      fail(depth, `cannot set a key inside ${describeNode(container)}`);
    }
  }
}
