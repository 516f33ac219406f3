/**
 * A strict line-level validator for OpenMetrics 1.0 text (the ABNF and the MUST rules of the
 * specification's "Text format" and "Metric types" sections that can be checked line by line):
 * grammar of every line, escaping, metadata placement and uniqueness, sample names per type, no
 * interleaving of families, metrics or points, increasing timestamps, counter monotonicity and
 * histogram bucket rules. Returns every problem as `line N: message`.
 */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME_PREFIX = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const REAL = /^[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\d*\.\d+(?:[eE][+-]?\d+)?)$/;
const SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;
const TYPES = [
  "counter",
  "gauge",
  "histogram",
  "gaugehistogram",
  "stateset",
  "info",
  "summary",
  "unknown",
] as const;
type MetricType = (typeof TYPES)[number];

const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ["_total", "_created"],
  gauge: [""],
  histogram: ["_bucket", "_count", "_sum", "_created"],
  gaugehistogram: ["_bucket", "_gcount", "_gsum"],
  stateset: [""],
  info: ["_info"],
  summary: ["", "_count", "_sum", "_created"],
  unknown: [""],
};

export interface ParsedSample {
  name: string;
  labels: [string, string][];
  value: number;
  timestamp?: number;
  line: number;
}

function parseNumber(text: string): number | undefined {
  if (REAL.test(text)) return Number(text);
  if (SPECIAL.test(text))
    return text.toLowerCase().includes("nan") ? Number.NaN : text.startsWith("-") ? -Infinity : Infinity;
  return undefined;
}

/** Parses `{a="x",b="y"}` at `pos`; returns the labels and the position after `}`. */
function parseLabels(line: string, pos: number): { labels: [string, string][]; end: number } | string {
  const labels: [string, string][] = [];
  let i = pos + 1;
  if (line[i] === "}") return { labels, end: i + 1 };
  for (;;) {
    const nameMatch = LABEL_NAME_PREFIX.exec(line.slice(i));
    if (!nameMatch) return `bad label name at column ${i + 1}`;
    const name = nameMatch[0];
    i += name.length;
    if (line[i] !== "=" || line[i + 1] !== '"') return `expected ="..." after label ${name}`;
    i += 2;
    let value = "";
    for (;;) {
      const c = line[i];
      if (c === undefined) return `unterminated value of label ${name}`;
      if (c === '"') break;
      if (c === "\\") {
        const n = line[i + 1];
        if (n === "n") value += "\n";
        else if (n === '"' || n === "\\") value += n;
        else return `undefined escape \\${n ?? ""} in label ${name}`;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels.push([name, value]);
    i++;
    if (line[i] === ",") {
      i++;
      continue;
    }
    if (line[i] === "}") return { labels, end: i + 1 };
    return `expected , or } after label ${name}`;
  }
}

function parseSample(line: string, lineNo: number): ParsedSample | string {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return "sample does not start with a metric name";
  const name = nameMatch[0];
  let pos = name.length;
  let labels: [string, string][] = [];
  if (line[pos] === "{") {
    const parsed = parseLabels(line, pos);
    if (typeof parsed === "string") return parsed;
    labels = parsed.labels;
    pos = parsed.end;
  }
  if (line[pos] !== " ") return "expected a single space before the value";
  const rest = line.slice(pos + 1);
  const exemplarAt = rest.indexOf(" # ");
  const main = exemplarAt >= 0 ? rest.slice(0, exemplarAt) : rest;
  const parts = main.split(" ");
  if (parts.length > 2 || parts.some((p) => p === ""))
    return "expected value [timestamp] separated by single spaces";
  const value = parseNumber(parts[0]!);
  if (value === undefined) return `bad number "${parts[0]}"`;
  let timestamp: number | undefined;
  if (parts[1] !== undefined) {
    if (!REAL.test(parts[1])) return `bad timestamp "${parts[1]}"`;
    timestamp = Number(parts[1]);
  }
  const seen = new Set<string>();
  for (const [k] of labels) {
    if (seen.has(k)) return `duplicate label ${k}`;
    if (k.startsWith("__")) return `reserved label name ${k}`;
    seen.add(k);
  }
  return { name, labels, value, timestamp, line: lineNo };
}

interface FamilyState {
  name: string;
  type: MetricType;
  unit?: string;
  metadata: Set<string>;
  samplesSeen: boolean;
  /** Labelset key (without le) of the metric being written, and those already finished. */
  currentMetric?: string;
  finishedMetrics: Set<string>;
  /** Per labelset: the last point's timestamp, and the last counter total. */
  lastTimestamp: Map<string, number>;
  lastValue: Map<string, number>;
  /** The point being collected. */
  point?: {
    key: string;
    timestamp?: number;
    seen: Set<string>;
    histogram: boolean;
    buckets: { le: string; value: number }[];
    count?: number;
    line: number;
  };
}

const labelKey = (labels: [string, string][], without: string[] = []) =>
  JSON.stringify(
    labels.filter(([k]) => !without.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

export function validateOpenMetrics(text: string): string[] {
  const problems: string[] = [];
  const problem = (line: number, message: string): void => {
    problems.push(`line ${line}: ${message}`);
  };
  if (text.includes("\r")) problems.push("carriage return found: line endings must be \\n");
  if (text.charCodeAt(0) === 0xfeff) problems.push("byte order mark found");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  if (lines.at(-1) !== "# EOF") problems.push('the exposition must end with "# EOF"');
  const families = new Map<string, FamilyState>();
  let current: FamilyState | undefined;

  const finishHistogramPoint = (f: FamilyState) => {
    const p = f.point;
    if (!p?.histogram) return;
    p.histogram = false;
    const inf = p.buckets.find((b) => b.le === "+Inf");
    if (!inf) problem(p.line, `${f.name}: histogram point without a +Inf bucket`);
    const les = p.buckets.map((b) => (b.le === "+Inf" ? Infinity : Number(b.le)));
    for (let i = 1; i < les.length; i++) {
      if (!(les[i]! > les[i - 1]!)) problem(p.line, `${f.name}: buckets not sorted by increasing le`);
      if (p.buckets[i]!.value < p.buckets[i - 1]!.value) problem(p.line, `${f.name}: buckets not cumulative`);
    }
    if (p.count !== undefined && inf && p.count !== inf.value) {
      problem(p.line, `${f.name}: _count ${p.count} differs from the +Inf bucket ${inf.value}`);
    }
  };

  const familyFor = (name: string, line: number): FamilyState => {
    let f = families.get(name);
    if (f && f !== current) problem(line, `family ${name} is interleaved with another family`);
    if (!f) {
      f = {
        name,
        type: "unknown",
        metadata: new Set(),
        samplesSeen: false,
        finishedMetrics: new Set(),
        lastTimestamp: new Map(),
        lastValue: new Map(),
      };
      families.set(name, f);
    }
    if (current && current !== f) finishHistogramPoint(current);
    current = f;
    return f;
  };

  for (const [index, line] of lines.entries()) {
    const n = index + 1;
    if (line === "# EOF") {
      if (index !== lines.length - 1) problem(n, '"# EOF" before the end');
      continue;
    }
    if (line.startsWith("#")) {
      const m = /^# (TYPE|UNIT|HELP) ([^ ]+)(?: (.*))?$/.exec(line);
      if (!m) {
        problem(n, "a line starting with # must be TYPE, UNIT, HELP or EOF");
        continue;
      }
      const [, kind, name, value = ""] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) {
        problem(n, `bad metric family name ${name}`);
        continue;
      }
      const f = familyFor(name, n);
      if (f.samplesSeen) problem(n, `${kind} for ${name} after its samples`);
      if (f.metadata.has(kind)) problem(n, `second ${kind} line for ${name}`);
      f.metadata.add(kind);
      if (kind === "TYPE") {
        if (!(TYPES as readonly string[]).includes(value)) problem(n, `unknown type "${value}"`);
        else f.type = value as MetricType;
      } else if (kind === "UNIT") {
        if (!/^[a-zA-Z0-9_:]*$/.test(value)) problem(n, `bad unit "${value}"`);
        if (value !== "" && !name.endsWith(`_${value}`))
          problem(n, `unit ${value} is not a suffix of ${name}`);
        if (value !== "" && (f.type === "stateset" || f.type === "info"))
          problem(n, `${f.type} must have an empty unit`);
        f.unit = value;
      } else {
        const stray = /\\(?![n"\\])/.exec(value);
        if (stray) problem(n, "undefined escape in HELP");
      }
      continue;
    }
    const sample = parseSample(line, n);
    if (typeof sample === "string") {
      problem(n, sample);
      continue;
    }
    // The family is the longest name prefix that is a declared family with a matching suffix.
    let family: FamilyState | undefined;
    let suffix = "";
    for (const f of [current, ...families.values()]) {
      if (!f) continue;
      for (const s of SUFFIXES[f.type]) {
        if (sample.name === f.name + s) {
          family = f;
          suffix = s;
          break;
        }
      }
      if (family) break;
    }
    if (!family) {
      // An undeclared family is of type unknown and its samples carry no suffix.
      family = familyFor(sample.name, n);
      suffix = "";
    } else {
      familyFor(family.name, n);
    }
    const f = family;
    f.samplesSeen = true;
    const hasLe = sample.labels.some(([k]) => k === "le");
    const isHistogram = f.type === "histogram" || f.type === "gaugehistogram";
    if (isHistogram && suffix === "_bucket" && !hasLe) problem(n, `${sample.name}: bucket without le`);
    if (hasLe && !(isHistogram && suffix === "_bucket"))
      problem(n, `${sample.name}: le label outside a histogram bucket`);
    const metricKey = labelKey(
      sample.labels,
      isHistogram ? ["le"] : f.type === "summary" ? ["quantile"] : [],
    );
    if (f.currentMetric !== metricKey) {
      if (f.finishedMetrics.has(metricKey))
        problem(n, `${sample.name}${metricKey}: metric interleaved with another of the family`);
      if (f.currentMetric !== undefined) f.finishedMetrics.add(f.currentMetric);
      finishHistogramPoint(f);
      f.currentMetric = metricKey;
    }
    if (f.type === "counter" && suffix === "_total") {
      if (Number.isNaN(sample.value) || sample.value < 0)
        problem(n, `${sample.name}: counter total must be a non-negative number`);
      const prev = f.lastValue.get(metricKey);
      if (prev !== undefined && sample.value < prev)
        problem(n, `${sample.name}: counter decreased from ${prev} to ${sample.value}`);
      f.lastValue.set(metricKey, sample.value);
    }
    // A MetricPoint is the run of samples of one metric at one timestamp (buckets, count, sum, created...).
    const ts = sample.timestamp;
    const sampleId = `${sample.name}${labelKey(sample.labels)}`;
    const p = f.point;
    const samePoint = p !== undefined && p.key === metricKey && p.timestamp === ts && !p.seen.has(sampleId);
    if (!samePoint) {
      finishHistogramPoint(f);
      if (f.lastTimestamp.has(metricKey) || (p !== undefined && p.key === metricKey)) {
        const last = f.lastTimestamp.get(metricKey);
        if (ts === undefined || last === undefined)
          problem(n, `${sample.name}: a second point of a metric needs timestamps on both`);
        else if (!(ts > last)) problem(n, `${sample.name}: timestamps must increase (${last} then ${ts})`);
      }
      if (ts !== undefined) f.lastTimestamp.set(metricKey, ts);
      else f.lastTimestamp.delete(metricKey);
      f.point = {
        key: metricKey,
        timestamp: ts,
        seen: new Set(),
        buckets: [],
        line: n,
        histogram: isHistogram,
      };
    }
    const point = f.point!;
    point.seen.add(sampleId);
    if (!isHistogram) continue;
    if (suffix === "_bucket") {
      const le = sample.labels.find(([k]) => k === "le")![1];
      if (le !== "+Inf" && !/^-?(?:\d+\.\d+|\d+(?:\.\d+)?e[+-]\d{2,})$/.test(le))
        problem(n, `le "${le}" is not a canonical number`);
      if (!Number.isInteger(sample.value) || sample.value < 0)
        problem(n, `${sample.name}: bucket values must be non-negative integers`);
      point.buckets.push({ le, value: sample.value });
    } else if (suffix === "_count" || suffix === "_gcount") {
      if (!Number.isInteger(sample.value) || sample.value < 0)
        problem(n, `${sample.name}: count must be a non-negative integer`);
      point.count = sample.value;
    } else if (suffix === "_sum" && (Number.isNaN(sample.value) || sample.value < 0)) {
      problem(n, `${sample.name}: histogram sum must be a non-negative number`);
    }
  }
  if (current) finishHistogramPoint(current);
  return problems;
}

/** Sample lines of a valid exposition (for counting what promtool should load). */
export function sampleLines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
}
