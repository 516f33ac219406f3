import { InputError, type InputIssue } from "../errors.js";
import { type JsonPath, jsonIssue, parseJsonText, refuseDeepJson } from "./jsonLocate.js";
import { splitLines } from "./textPos.js";

/** One JSON document of a file, with what is needed to position errors inside it. */
export interface JsonRecord {
  value: unknown;
  text: string;
  /** Line of the file the record's text starts on. */
  firstLine: number;
}

/** A whole-file JSON document, or one record per line for newline-delimited JSON. */
export function parseJsonOrNdjson(text: string, file: string): { ndjson: boolean; records: JsonRecord[] } {
  refuseDeepJson(text, file);
  try {
    return { ndjson: false, records: [{ value: JSON.parse(text), text, firstLine: 1 }] };
  } catch {
    // Fall through: either NDJSON or malformed.
  }
  const lines = splitLines(text);
  const filled = lines.map((line, i) => ({ line, lineNo: i + 1 })).filter(({ line }) => line.trim() !== "");
  const firstParses = filled.length > 1 && isJson(filled[0]!.line);
  if (!firstParses)
    return { ndjson: false, records: [{ value: parseJsonText(text, file), text, firstLine: 1 }] };
  const records = filled.map(({ line, lineNo }) => ({
    value: parseJsonText(line, file, lineNo),
    text: line,
    firstLine: lineNo,
  }));
  return { ndjson: true, records };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** An InputIssue at `path` inside a record. */
export function recordIssue(record: JsonRecord, file: string, path: JsonPath, message: string): InputIssue {
  return jsonIssue(record.text, file, path, message, record.firstLine);
}

/** Throws an InputError at `path` inside a record. */
export function failAt(record: JsonRecord, file: string, path: JsonPath, message: string): never {
  throw new InputError(recordIssue(record, file, path, message));
}

/** A plain object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
