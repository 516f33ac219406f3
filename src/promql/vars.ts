/** Grafana's dashboard variables ($__range, $__interval, $__rate_interval, ...) replaced by values in seconds. */
import { PromQLError } from "./errors.js";

export interface Substituted {
  readonly text: string;
  /** Maps an offset in `text` back to the offset in the original expression. */
  readonly originalOffset: (offset: number) => number;
}

const VARIABLE = /\$\{(\w+)\}|\$(\w+)/g;

/**
 * Replaces each `$name` / `${name}` by `vars[name]` (seconds; a key may also be written with its `$`).
 * Names ending in `_s` or `_ms` are plain numbers (Grafana's `$__range_s`); all others are durations.
 */
export function substituteVars(text: string, vars: Readonly<Record<string, number>> = {}): Substituted {
  const edits: { from: number; to: number; length: number }[] = [];
  let out = "";
  let last = 0;
  const strings = stringSpans(text);
  for (const m of text.matchAll(VARIABLE)) {
    if (strings.some(([from, to]) => m.index >= from && m.index < to)) continue; // label_replace's "$1"
    const name = (m[1] ?? m[2])!;
    const seconds = vars[name] ?? vars[`$${name}`];
    if (seconds === undefined || !Number.isFinite(seconds))
      throw new PromQLError(`no value for variable $${name} (give it in vars, in seconds)`, m.index);
    const value = formatVar(name, seconds, m.index);
    out += text.slice(last, m.index) + value;
    edits.push({ from: m.index, to: m.index + m[0].length, length: value.length });
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  return { text: out, originalOffset: (offset) => mapBack(edits, offset) };
}

/** [from, to) of each quoted string, so that `$1` inside one is left alone. */
function stringSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = 0; i < text.length; i++) {
    const q = text[i];
    if (q !== '"' && q !== "'" && q !== "`") continue;
    let j = i + 1;
    while (j < text.length && text[j] !== q) j += q !== "`" && text[j] === "\\" ? 2 : 1;
    spans.push([i, j + 1]);
    i = j;
  }
  return spans;
}

function formatVar(name: string, seconds: number, pos: number): string {
  if (name.endsWith("_ms")) return String(seconds * 1000);
  if (name.endsWith("_s")) return String(seconds);
  const ms = Math.round(seconds * 1000);
  if (ms <= 0) throw new PromQLError(`variable $${name} must be a positive duration, got ${seconds}`, pos);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function mapBack(edits: readonly { from: number; to: number; length: number }[], offset: number): number {
  let shift = 0;
  for (const e of edits) {
    const newFrom = e.from + shift;
    if (offset < newFrom) break;
    if (offset < newFrom + e.length) return e.from;
    shift += e.length - (e.to - e.from);
  }
  return offset - shift;
}
