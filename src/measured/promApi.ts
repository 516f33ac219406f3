import { InputError } from "../errors.js";
import type { JsonPath } from "./jsonLocate.js";
import { failAt, isObject, type JsonRecord, parseJsonOrNdjson } from "./jsonRecords.js";
import { pointsToSamples, type RawPoint } from "./promSeries.js";
import type { Histogram, MeasuredSample } from "./sample.js";
import { parsePromFloat, rateUnitOfPromName, unitOfPromName } from "./units.js";

/** What a PromQL expression evaluates, when it is simple enough to recognise. */
export interface RecognisedQuery {
  rawMetric: string;
  rate: boolean;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const AGGREGATION = String.raw`(?:(?:sum|avg|max|min)\s*(?:(?:by|without)\s*\([^)]*\)\s*)?\(\s*)?`;
const RATE_QUERY = new RegExp(String.raw`^\s*${AGGREGATION}(?:i?rate)\s*\(\s*(${NAME})\s*[{[]`);
const SELECTOR_QUERY = new RegExp(
  String.raw`^\s*${AGGREGATION}(${NAME})\s*(?:\{[^}]*\}\s*)?\)?(?:\s*(?:by|without)\s*\([^)]*\))?\s*$`,
);

/**
 * Recognises `rate(x[5m])`, `sum by (pod) (irate(x{...}[1m]))`, `x{...}` and `sum(x)`; function
 * results lose `__name__`, so this is how their series find their capsim mapping.
 */
export function recogniseQuery(query: string): RecognisedQuery | undefined {
  const rate = RATE_QUERY.exec(query);
  if (rate) return { rawMetric: rate[1]!, rate: true };
  const selector = SELECTOR_QUERY.exec(query);
  if (selector && !/^(sum|avg|max|min|rate|irate)$/.test(selector[1]!))
    return { rawMetric: selector[1]!, rate: false };
  return undefined;
}

/**
 * Reads Prometheus HTTP API results: one `query_range` (matrix) or `query` (vector/scalar) response,
 * or `{query, response}` pairs as a JSON array or one per line. `status: "error"` is an InputError.
 */
export function readPromApi(text: string, file: string): MeasuredSample[] {
  return readPromApiRecords(parseJsonOrNdjson(text, file).records, file);
}

/** As readPromApi, on already parsed JSON records. */
export function readPromApiRecords(records: readonly JsonRecord[], file: string): MeasuredSample[] {
  const samples: MeasuredSample[] = [];
  for (const record of records) {
    const value = record.value;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        samples.push(...readEntry(record, file, item, [i]));
      });
    } else samples.push(...readEntry(record, file, value, []));
  }
  return samples;
}

function readEntry(record: JsonRecord, file: string, entry: unknown, path: JsonPath): MeasuredSample[] {
  if (!isObject(entry))
    failAt(record, file, path, "expected a Prometheus API response or a {query, response} object");
  if ("response" in entry) {
    const query = entry.query;
    if (query !== undefined && typeof query !== "string")
      failAt(record, file, [...path, "query"], "query must be a string");
    return readResponse(record, file, entry.response, [...path, "response"], query);
  }
  return readResponse(record, file, entry, path, undefined);
}

function readResponse(
  record: JsonRecord,
  file: string,
  response: unknown,
  path: JsonPath,
  query: string | undefined,
): MeasuredSample[] {
  if (!isObject(response)) failAt(record, file, path, "expected a Prometheus API response object");
  if (response.status === "error") {
    const kind = typeof response.errorType === "string" ? `${response.errorType}: ` : "";
    const what = typeof response.error === "string" ? response.error : "no message";
    const forQuery = query ? ` (query ${query})` : "";
    failAt(record, file, [...path, "status"], `Prometheus returned an error${forQuery}: ${kind}${what}`);
  }
  if (response.status !== "success")
    failAt(record, file, [...path, "status"], 'status must be "success" or "error"');
  const data = response.data;
  if (!isObject(data)) failAt(record, file, [...path, "data"], "missing data object");
  const at = (sub: JsonPath): JsonPath => [...path, "data", ...sub];
  const ctx: SeriesContext = { record, file, query };
  switch (data.resultType) {
    case "matrix":
    case "vector": {
      if (!Array.isArray(data.result)) failAt(record, file, at(["result"]), "result must be an array");
      const points: RawPoint[] = [];
      const evaluated: MeasuredSample[] = [];
      data.result.forEach((series, i) => {
        readSeries(ctx, series, at(["result", i]), data.resultType === "matrix", points, evaluated);
      });
      return [...pointsToSamples(points, new Map(), failContext(record, file)), ...evaluated];
    }
    case "scalar": {
      const [t, v] = pair(ctx, data.result, at(["result"]));
      return [evaluatedSample(ctx, query ?? "scalar", {}, t, v)];
    }
    case "string":
      return failAt(record, file, at(["resultType"]), "a string result carries no measurements");
    default:
      return failAt(record, file, at(["resultType"]), 'resultType must be "matrix", "vector" or "scalar"');
  }
}

/** The line of a one-line (NDJSON) record; a whole-file document has no single line. */
function recordLine(record: JsonRecord): number | undefined {
  return record.text.includes("\n") ? undefined : record.firstLine;
}

function lineOf(record: JsonRecord): { line?: number } {
  const line = recordLine(record);
  return line === undefined ? {} : { line };
}

interface SeriesContext {
  record: JsonRecord;
  file: string;
  query: string | undefined;
}

function failContext(record: JsonRecord, file: string) {
  return {
    source: "prom-range" as const,
    file,
    fail: (line: number | undefined, message: string): never => {
      const at = line ?? recordLine(record);
      throw new InputError({ file, ...(at === undefined ? {} : { line: at }), path: "", message });
    },
  };
}

/** Raw series (with `__name__`) become points for counter/histogram handling; evaluated ones become samples. */
function readSeries(
  ctx: SeriesContext,
  series: unknown,
  path: JsonPath,
  matrix: boolean,
  points: RawPoint[],
  evaluated: MeasuredSample[],
): void {
  const { record, file } = ctx;
  if (!isObject(series)) failAt(record, file, path, "each result must be an object with metric and values");
  const labels = readLabels(ctx, series.metric, [...path, "metric"]);
  const name = labels.__name__;
  delete labels.__name__;
  const values: [number, number][] = [];
  if (matrix) {
    if (series.values !== undefined) {
      if (!Array.isArray(series.values))
        failAt(record, file, [...path, "values"], "values must be an array of [time, value]");
      series.values.forEach((p, i) => {
        values.push(pair(ctx, p, [...path, "values", i]));
      });
    }
  } else if (series.value !== undefined) values.push(pair(ctx, series.value, [...path, "value"]));
  if (series.histograms !== undefined || series.histogram !== undefined) {
    evaluated.push(...nativeHistograms(ctx, series, path, name, labels, matrix));
  }
  for (const [t, v] of values) {
    if (name !== undefined) points.push({ name, labels, t, value: v, ...lineOf(record) });
    else evaluated.push(evaluatedSample(ctx, undefined, labels, t, v));
  }
}

function evaluatedSample(
  ctx: SeriesContext,
  fallbackName: string | undefined,
  labels: Record<string, string>,
  t: number,
  value: number,
): MeasuredSample {
  const recognised = ctx.query ? recogniseQuery(ctx.query) : undefined;
  const rawMetric = recognised?.rawMetric ?? ctx.query ?? fallbackName ?? labelSetName(labels);
  const unit = recognised
    ? recognised.rate
      ? rateUnitOfPromName(rawMetric)
      : unitOfPromName(rawMetric)
    : "1";
  return {
    source: "prom-range",
    metric: rawMetric,
    rawMetric,
    labels,
    stage: null,
    unit,
    scope: null,
    t,
    value,
    ...(recognised?.rate ? { derived: "rate" as const } : {}),
    file: ctx.file,
    ...lineOf(ctx.record),
    ...(ctx.query ? { note: `query: ${ctx.query}${recognised ? "" : " (unit unknown)"}` } : {}),
  };
}

function labelSetName(labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return `{${inner}}`;
}

function readLabels(ctx: SeriesContext, metric: unknown, path: JsonPath): Record<string, string> {
  if (metric === undefined) return {};
  if (!isObject(metric))
    failAt(ctx.record, ctx.file, path, "metric must be an object of label names to values");
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v !== "string") failAt(ctx.record, ctx.file, [...path, k], "label values must be strings");
    labels[k] = v;
  }
  return labels;
}

/** `[unix_seconds, "value"]`; values are strings in the API and may be "NaN" or "+Inf". */
function pair(ctx: SeriesContext, p: unknown, path: JsonPath): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "number") {
    failAt(ctx.record, ctx.file, path, 'expected [unix_seconds, "value"]');
  }
  const value = typeof p[1] === "string" ? parsePromFloat(p[1]) : typeof p[1] === "number" ? p[1] : undefined;
  if (value === undefined)
    failAt(ctx.record, ctx.file, [...path, 1], `value ${JSON.stringify(p[1])} is not a number`);
  return [p[0], value];
}

/** Native histograms (`histograms: [[t, {count, sum, buckets: [[rule, left, right, count]]}]]`) as cumulative `le` buckets. */
function nativeHistograms(
  ctx: SeriesContext,
  series: Record<string, unknown>,
  path: JsonPath,
  name: string | undefined,
  labels: Record<string, string>,
  matrix: boolean,
): MeasuredSample[] {
  const key = matrix ? "histograms" : "histogram";
  const list = matrix ? series.histograms : [series.histogram];
  if (!Array.isArray(list)) failAt(ctx.record, ctx.file, [...path, key], "histograms must be an array");
  return list.map((entry, i) => {
    const at: JsonPath = matrix ? [...path, key, i] : [...path, key];
    if (!Array.isArray(entry) || typeof entry[0] !== "number" || !isObject(entry[1])) {
      failAt(ctx.record, ctx.file, at, "expected [unix_seconds, {count, sum, buckets}]");
    }
    const histogram = nativeToClassic(ctx, entry[1], [...at, 1]);
    const rawMetric = name ?? ctx.query ?? "histogram";
    return {
      source: "prom-range" as const,
      metric: rawMetric,
      rawMetric,
      labels,
      stage: null,
      unit: unitOfPromName(rawMetric),
      scope: null,
      t: entry[0],
      histogram,
      ...(name !== undefined ? { derived: "cumulative" as const } : {}),
      file: ctx.file,
      ...lineOf(ctx.record),
    };
  });
}

function nativeToClassic(ctx: SeriesContext, h: Record<string, unknown>, path: JsonPath): Histogram {
  const num = (v: unknown, sub: JsonPath): number => {
    const n = typeof v === "string" ? parsePromFloat(v) : typeof v === "number" ? v : undefined;
    if (n === undefined) failAt(ctx.record, ctx.file, [...path, ...sub], "expected a number");
    return n;
  };
  const count = num(h.count, ["count"]);
  const sum = num(h.sum, ["sum"]);
  const raw = h.buckets ?? [];
  if (!Array.isArray(raw)) failAt(ctx.record, ctx.file, [...path, "buckets"], "buckets must be an array");
  const spans = raw.map((b, i) => {
    if (!Array.isArray(b) || b.length !== 4)
      failAt(ctx.record, ctx.file, [...path, "buckets", i], "expected [rule, left, right, count]");
    return { right: num(b[2], ["buckets", i, 2]), count: num(b[3], ["buckets", i, 3]) };
  });
  spans.sort((a, b) => a.right - b.right);
  let cumulative = 0;
  const buckets = spans.map((s) => {
    cumulative += s.count;
    return { le: s.right, count: cumulative };
  });
  if (buckets[buckets.length - 1]?.le !== Number.POSITIVE_INFINITY)
    buckets.push({ le: Number.POSITIVE_INFINITY, count });
  return { buckets, count, sum };
}
