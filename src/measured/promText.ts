import { InputError } from "../errors.js";
import type { Labels, Series } from "../series/types.js";
import { SeriesBuilder } from "./seriesBuilder.js";
import { splitLines } from "./textPos.js";
import { parseUnixSecondsOrRfc3339 } from "./time.js";
import { parsePromFloat } from "./units.js";

/** One sample line of a scrape before interpretation. */
export interface RawPoint {
  name: string;
  labels: Record<string, string>;
  /** Unix seconds, or null when the line had no timestamp. */
  t: number | null;
  value: number;
  line?: number;
}

/** Metric types of the text format and OpenMetrics. */
export type PromType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "untyped"
  | "info"
  | "stateset"
  | "unknown";

const TYPES: readonly PromType[] = [
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "summary",
  "untyped",
  "info",
  "stateset",
  "unknown",
];

class LineProblem {
  constructor(
    readonly col: number,
    readonly message: string,
  ) {}
}

/** True when the text is OpenMetrics: it must end with `# EOF`, and then timestamps are in seconds. */
export function isOpenMetrics(text: string): boolean {
  return /^# EOF[ \t]*\r?$/m.test(text);
}

/** The points and TYPE declarations of one or several concatenated scrapes. */
export interface ParsedExposition {
  points: RawPoint[];
  types: Map<string, PromType>;
}

/**
 * Parses the Prometheus text exposition format (or OpenMetrics). Timestamps are milliseconds in the
 * former and seconds in the latter; both come out as unix seconds.
 */
export function parseExposition(text: string, file: string): ParsedExposition {
  const openMetrics = isOpenMetrics(text);
  const types = new Map<string, PromType>();
  const points: RawPoint[] = [];
  const unstamped = new Set<string>();
  const lines = splitLines(text);
  let ended = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    const fail = (col: number, message: string): never => {
      throw new InputError({ file, line: lineNo, col, path: "", message });
    };
    if (line.trim() === "") continue;
    if (ended) fail(1, "text after `# EOF`");
    if (line.startsWith("#")) {
      const directive = /^#\s*(HELP|TYPE|UNIT|EOF)\b\s*(\S*)\s*(.*)$/.exec(line);
      if (directive?.[1] === "EOF") ended = true;
      if (directive?.[1] === "TYPE") {
        const type = directive[3]!.trim() as PromType;
        if (!directive[2]) fail(1, "# TYPE needs a metric name and a type");
        if (!TYPES.includes(type))
          fail(line.indexOf(directive[3]!) + 1, `unknown metric type "${directive[3]}"`);
        types.set(directive[2]!, type);
      }
      continue;
    }
    try {
      const point = parseSampleLine(line, openMetrics);
      const withLine = { ...point, line: lineNo };
      if (point.t === null) {
        const key = JSON.stringify([point.name, Object.entries(point.labels).sort()]);
        if (unstamped.has(key)) {
          fail(
            1,
            `${point.name} appears again without a timestamp: several scrapes in one file need timestamps on their sample lines`,
          );
        }
        unstamped.add(key);
      }
      points.push(withLine);
    } catch (error) {
      if (error instanceof LineProblem) fail(error.col, error.message);
      throw error;
    }
  }
  return { points, types };
}

/** Parses `name{label="value",...} value [timestamp] [# exemplar]`. */
export function parseSampleLine(line: string, openMetrics: boolean): Omit<RawPoint, "line"> {
  let pos = 0;
  let name = "";
  const labels: Record<string, string> = {};
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch) {
    name = nameMatch[0];
    pos = name.length;
  } else if (line[0] !== "{") {
    throw new LineProblem(
      1,
      `not a sample line: expected a metric name, got ${JSON.stringify(line.slice(0, 20))}`,
    );
  }
  if (line[pos] === "{") pos = parseLabels(line, pos, labels, (quotedName) => (name = quotedName));
  if (name === "") throw new LineProblem(1, "sample line without a metric name");
  const rest = line.slice(pos);
  const fields = /^([ \t]+)(\S+)(?:[ \t]+([^\s#]\S*))?[ \t]*(#.*)?$/.exec(rest);
  if (!fields) throw new LineProblem(pos + 1, `expected a value after ${name}`);
  const value = parsePromFloat(fields[2]!);
  if (value === undefined)
    throw new LineProblem(pos + fields[1]!.length + 1, `value "${fields[2]}" is not a number`);
  let t: number | null = null;
  if (fields[3] !== undefined) {
    const ts = Number(fields[3]);
    const valid = openMetrics ? Number.isFinite(ts) : /^-?\d+$/.test(fields[3]);
    if (!valid) {
      const col = pos + rest.indexOf(fields[3], fields[1]!.length + fields[2]!.length) + 1;
      throw new LineProblem(
        col,
        `timestamp "${fields[3]}" is not ${openMetrics ? "a number of seconds" : "integer milliseconds"}`,
      );
    }
    t = openMetrics ? ts : ts / 1000;
  }
  return { name, labels, t, value };
}

/** Reads `{a="x",b="y"}` from `start` (at `{`); returns the offset after `}`. */
function parseLabels(
  line: string,
  start: number,
  labels: Record<string, string>,
  setQuotedName: (name: string) => void,
): number {
  let pos = start + 1;
  const ws = (): void => {
    while (line[pos] === " " || line[pos] === "\t") pos++;
  };
  for (;;) {
    ws();
    if (line[pos] === "}") return pos + 1;
    let labelName: string;
    if (line[pos] === '"') {
      const [text, end] = quoted(line, pos);
      pos = end;
      ws();
      // UTF-8 metric names are written as a lone quoted string inside the braces.
      if (line[pos] !== "=") {
        setQuotedName(text);
        if (line[pos] === ",") pos++;
        continue;
      }
      labelName = text;
    } else {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!m) throw new LineProblem(pos + 1, "expected a label name");
      labelName = m[0];
      pos += labelName.length;
      ws();
    }
    if (line[pos] !== "=") throw new LineProblem(pos + 1, `expected '=' after label ${labelName}`);
    pos++;
    ws();
    if (line[pos] !== '"')
      throw new LineProblem(pos + 1, `label ${labelName}: value must be in double quotes`);
    const [value, end] = quoted(line, pos);
    if (Object.hasOwn(labels, labelName)) throw new LineProblem(pos + 1, `label ${labelName} appears twice`);
    labels[labelName] = value;
    pos = end;
    ws();
    if (line[pos] === ",") pos++;
    else if (line[pos] !== "}") throw new LineProblem(pos + 1, "expected ',' or '}' in the label set");
  }
}

/** A double-quoted string with `\\`, `\"` and `\n` escapes, starting at `start`. */
function quoted(line: string, start: number): [string, number] {
  let out = "";
  let pos = start + 1;
  while (pos < line.length) {
    const c = line[pos]!;
    if (c === '"') return [out, pos + 1];
    if (c === "\\") {
      const e = line[pos + 1];
      out += e === "n" ? "\n" : (e ?? "");
      pos += 2;
    } else {
      out += c;
      pos++;
    }
  }
  throw new LineProblem(start + 1, "unterminated label value (missing closing quote)");
}

/** Where and when an exposition without its own timestamps and target labels was scraped. */
export interface ScrapeContext {
  /** Unix seconds of the scrape, for lines without a timestamp. */
  time?: number;
  /** Target labels a Prometheus scrape would add (`job`, `pod`, ...). */
  target?: Labels;
}

const CREATED_OF = ["counter", "histogram", "summary", "gaugehistogram"];

/**
 * Reads a Prometheus text or OpenMetrics exposition (one scrape, several with timestamps, or capsim's
 * own export) as the series a TSDB would store: names as written (`x_total`, `x_bucket{le}`), values
 * as scraped (counters stay cumulative). `_created` series are dropped, as Prometheus does.
 */
export function readExpositionSeries(text: string, file: string, context: ScrapeContext = {}): Series[] {
  const { points, types } = parseExposition(text, file);
  if (points.length === 0) throw new InputError({ file, path: "", message: "no samples in the exposition" });
  const header = scrapeHeader(text, file);
  const time = header.time ?? context.time;
  const target = { ...context.target, ...header.target };
  const builder = new SeriesBuilder();
  for (const point of points) {
    const created = point.name.endsWith("_created") ? types.get(point.name.slice(0, -8)) : undefined;
    if (created !== undefined && CREATED_OF.includes(created)) continue;
    const t = point.t ?? time ?? 0;
    builder.add({ ...target, ...point.labels, __name__: point.name }, t, point.value);
  }
  return builder.build();
}

const TIME_HEADER = /^#\s*capsim-scrape-time:\s*(.*?)\s*$/m;
const TARGET_HEADER = /^#\s*capsim-target:\s*(.*?)\s*$/m;

/** `# capsim-scrape-time: <RFC 3339 | unix seconds>` and `# capsim-target: job="coder",pod="coder-0"` lines. */
export function scrapeHeader(text: string, file: string): { time?: number; target?: Labels } {
  const out: { time?: number; target?: Labels } = {};
  const time = TIME_HEADER.exec(text);
  if (time) {
    const seconds = parseUnixSecondsOrRfc3339(time[1]!);
    if (typeof seconds === "string")
      throw new InputError({
        file,
        line: lineAt(text, time.index),
        path: "capsim-scrape-time",
        message: seconds,
      });
    out.time = seconds;
  }
  const target = TARGET_HEADER.exec(text);
  if (target) {
    const labels = parseTargetLabels(target[1]!);
    if (typeof labels === "string")
      throw new InputError({
        file,
        line: lineAt(text, target.index),
        path: "capsim-target",
        message: labels,
      });
    out.target = labels;
  }
  return out;
}

/** `job="coder",pod="coder-0"` (quotes optional), or a message saying what is wrong. */
export function parseTargetLabels(text: string): Labels | string {
  const labels: Record<string, string> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"?([^"]*)"?$/.exec(part);
    if (!m)
      return `expected label=value pairs such as job="coder",pod="coder-0", got ${JSON.stringify(part)}`;
    labels[m[1]!] = m[2]!;
  }
  return Object.keys(labels).length > 0 ? labels : "no labels given";
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}
