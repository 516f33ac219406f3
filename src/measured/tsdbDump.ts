import { InputError } from "../errors.js";
import type { Series } from "../series/types.js";
import { SeriesBuilder } from "./seriesBuilder.js";
import { splitLines } from "./textPos.js";
import { parsePromFloat } from "./units.js";

/** A line of `promtool tsdb dump`: `{__name__="x", a="b"} <value> <timestamp ms>`. */
const DUMP_LINE = /^\{(.*)\} (\S+) (-?\d+)$/;

/** True when the text looks like `promtool tsdb dump` output (its first line is a dump line). */
export function isTsdbDump(text: string): boolean {
  const first = splitLines(text).find((l) => l.trim() !== "");
  return first !== undefined && /^\{__name__="/.test(first) && DUMP_LINE.test(first);
}

/** Reads `promtool tsdb dump` output (Prometheus 2.x and 3.x print the same line format). */
export function readTsdbDump(text: string, file: string): Series[] {
  const builder = new SeriesBuilder();
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const fail = (col: number, message: string): never => {
      throw new InputError({ file, line: i + 1, col, path: "", message });
    };
    const m =
      DUMP_LINE.exec(line) ??
      fail(1, 'expected `{__name__="x", label="value"} <value> <timestamp ms>` (promtool tsdb dump)');
    const labels = parseGoLabels(m[1]!);
    if (typeof labels === "string") fail(2, labels);
    const named = labels as Record<string, string>;
    if (!named.__name__) fail(2, "sample without __name__");
    const value = parsePromFloat(m[2]!) ?? fail(m[1]!.length + 4, `value "${m[2]}" is not a number`);
    builder.add(named, Number(m[3]) / 1000, value);
  }
  if (builder.size === 0) throw new InputError({ file, path: "", message: "no samples in the dump" });
  return builder.build((labels, t) => {
    throw new InputError({ file, path: "", message: `${labels.__name__} has two samples at ${t * 1000} ms` });
  });
}

/** `a="x", b="y\"z"` as Go's labels.String() writes it (strconv.Quote escapes), or a message. */
function parseGoLabels(text: string): Record<string, string> | string {
  const labels: Record<string, string> = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let pos = 0;
  while (pos < text.length) {
    pair.lastIndex = pos;
    const m = pair.exec(text);
    if (!m) return `cannot read the label set at ${JSON.stringify(text.slice(pos, pos + 20))}`;
    labels[m[1]!] = unquoteGo(m[2]!);
    pos = pair.lastIndex;
  }
  return labels;
}

function unquoteGo(body: string): string {
  if (!body.includes("\\")) return body;
  const json = body.replace(/\\([av'])/g, (_, c: string) =>
    c === "a" ? "\\u0007" : c === "v" ? "\\u000b" : "'",
  );
  try {
    return JSON.parse(`"${json}"`) as string;
  } catch {
    return body;
  }
}
