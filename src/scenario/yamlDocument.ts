import type { Document, YAMLError } from "yaml";
import { isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { InputError, type InputIssue } from "../errors.js";
import { duplicateKeys } from "./duplicateKeys.js";
import { applySetOverride, overrideSource, type SetOverride } from "./setOverride.js";
import { nodeAtPath, offsetOf, type PathSegment, positionOfPath } from "./yamlNodes.js";
import { allowedKeysAt, type PathIssue, toPathIssues } from "./zodIssues.js";

export type { SetOverride } from "./setOverride.js";

/** Aliases beyond this expansion count are refused: "billion laughs" documents expand exponentially. */
export const MAX_ALIAS_COUNT = 100;
/** More issues than this are summarised; a broken file can yield thousands of cascading errors. */
export const MAX_REPORTED_ISSUES = 50;

export interface ParseYamlOptions {
  /** Applied to the document before validation, in order, so they are typed and checked like the file. */
  overrides?: readonly SetOverride[];
  /**
   * "scenario", "model": a file whose top level is not mostly the schema's keys is refused as
   * `not a capsim <kind> file` before any message could echo its lines (docs/security.md).
   */
  kind?: string;
}

/** Parses YAML and validates it against a zod schema; every problem becomes a positioned InputIssue. */
export function parseYamlWithSchema<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  opts: ParseYamlOptions = {},
): { value: T; doc: Document } {
  try {
    return parseAndValidate(text, file, schema, opts.overrides ?? [], opts.kind);
  } catch (error) {
    if (error instanceof InputError) throw error;
    // Whatever the input, callers only ever see InputError (e.g. a stack overflow on absurd nesting).
    throw new InputError({ file, path: "", message: `cannot load: ${describeError(error)}` });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function parseAndValidate<T>(
  text: string,
  file: string,
  schema: z.ZodType<T>,
  overrides: readonly SetOverride[],
  kind: string | undefined,
): { value: T; doc: Document } {
  const lineCounter = new LineCounter();
  // Core schema with no custom tags or merge keys, even under a `%YAML 1.1` directive: data only.
  // Duplicate keys are checked below in linear time (yaml's own check is quadratic).
  const doc = parseDocument(text, {
    lineCounter,
    schema: "core",
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: "error",
  });
  const keys = allowedKeysAt(schema, []) ?? [];
  if (kind && !isKind(doc, keys)) {
    throw new InputError({
      file,
      path: "",
      message: `not a capsim ${kind} file (expected a YAML mapping of ${keys.slice(0, 6).join(", ")}, ...)`,
    });
  }
  const syntaxProblems: YAMLError[] = [...doc.errors, ...doc.warnings];
  const exhaustion = syntaxProblems.find((problem) => problem.code === "RESOURCE_EXHAUSTION");
  if (exhaustion) {
    // Absurd nesting: the parser's own cascade of follow-on errors would only hide this one.
    throw inputError([
      { ...syntaxIssue(file, lineCounter, exhaustion), message: `nesting too deep (${exhaustion.message})` },
    ]);
  }
  const duplicates = duplicateKeys(doc, lineCounter).map((d) => ({ file, path: "", ...d }));
  if (syntaxProblems.length > 0 || duplicates.length > 0) {
    throw inputError([
      ...syntaxProblems.map((problem) => syntaxIssue(file, lineCounter, problem)),
      ...duplicates,
    ]);
  }

  const overrideIssues: InputIssue[] = [];
  for (const override of overrides) {
    try {
      applySetOverride(doc, override);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      overrideIssues.push(...error.issues);
    }
  }
  if (overrideIssues.length > 0) throw inputError(overrideIssues);

  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml signals an alias bomb with a ReferenceError; anything else is unexpected and wrapped by the caller.
    if (!(error instanceof ReferenceError)) throw error;
    throw new InputError({
      file,
      ...firstAliasPosition(doc, lineCounter),
      path: "",
      message: `refusing to expand aliases: ${(error as Error).message}`,
    });
  }

  const result = schema.safeParse(input);
  if (result.success) return { value: result.data, doc };
  const pathIssues = toPathIssues(result.error.issues, schema, input);
  throw inputError(pathIssues.map((issue) => validationIssue(file, doc, lineCounter, overrides, issue)));
}

/**
 * Empty, or a mapping whose keys are mostly the schema's: a file of some other kind (a config file,
 * /etc/passwd) fails this, so its keys never appear in "unknown key" messages.
 */
function isKind(doc: Document, keys: readonly string[]): boolean {
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return true;
  if (!isMap(root)) return false;
  const known = root.items.filter((pair) => isScalar(pair.key) && keys.includes(String(pair.key.value)));
  return known.length > root.items.length - known.length;
}

function syntaxIssue(file: string, lineCounter: LineCounter, problem: YAMLError): InputIssue {
  const offset = problem.pos[0];
  const position = offset >= 0 ? lineCounter.linePos(offset) : {};
  return { file, ...position, path: "", message: problem.message.split("\n")[0] ?? problem.code };
}

function firstAliasPosition(doc: Document, lineCounter: LineCounter): { line?: number; col?: number } {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = offsetOf(node);
      return visit.BREAK;
    },
  });
  return offset === undefined ? {} : lineCounter.linePos(offset);
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(path[i]) === String(segment));
}

function validationIssue(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  overrides: readonly SetOverride[],
  issue: PathIssue,
): InputIssue {
  const path = issue.path.join(".");
  // The last override covering this path is the one that put the offending value there.
  const override = overrides.findLast((o) => startsWith(issue.path, o.path));
  if (override) return { file: overrideSource(override.text), path, message: issue.message };
  if (issue.target === "key") {
    const keyOffset = offsetOf(nodeAtPath(doc, issue.path)?.keyNode);
    if (keyOffset !== undefined)
      return { file, ...lineCounter.linePos(keyOffset), path, message: issue.message };
    // A key that is not in the file was created by an override that set something below it.
    const creator = overrides.findLast((o) => startsWith(o.path, issue.path.map(String)));
    if (creator) return { file: overrideSource(creator.text), path, message: issue.message };
  }
  return { file, ...positionOfPath(doc, lineCounter, issue.path), path, message: issue.message };
}

/** File issues in reading order, then override issues; identical duplicates dropped; long lists capped. */
function inputError(issues: readonly InputIssue[]): InputError {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = JSON.stringify([issue.file, issue.line, issue.col, issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const positioned = unique
    .map((issue, order) => ({ issue, order }))
    .sort(
      (a, b) =>
        Number(a.issue.line === undefined) - Number(b.issue.line === undefined) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.col ?? 0) - (b.issue.col ?? 0) ||
        a.order - b.order,
    )
    .map(({ issue }) => issue);
  if (positioned.length <= MAX_REPORTED_ISSUES) return new InputError(positioned);
  const shown = positioned.slice(0, MAX_REPORTED_ISSUES);
  const rest = positioned.length - shown.length;
  return new InputError([
    ...shown,
    { file: shown[0]!.file, path: "", message: `... and ${rest} more problems` },
  ]);
}
