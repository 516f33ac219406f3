import type { JsonPath } from "./jsonLocate.js";
import { jsonOffsetOf } from "./jsonLocate.js";
import { failAt, isObject, type JsonRecord } from "./jsonRecords.js";
import type { MeasuredSample } from "./sample.js";
import { LineIndex } from "./textPos.js";

type K6Type = "counter" | "gauge" | "rate" | "trend";
type K6Contains = "default" | "time" | "data";

/** k6's built-in metrics whose values are milliseconds; `--summary-export` does not say which are times. */
const BUILTIN_TIME_METRICS = new Set([
  "http_req_duration",
  "http_req_blocked",
  "http_req_connecting",
  "http_req_tls_handshaking",
  "http_req_sending",
  "http_req_waiting",
  "http_req_receiving",
  "iteration_duration",
  "group_duration",
  "ws_connecting",
  "ws_session_duration",
  "ws_ping",
  "grpc_req_duration",
  "browser_http_req_duration",
  "browser_web_vital_fcp",
  "browser_web_vital_lcp",
  "browser_web_vital_fid",
  "browser_web_vital_inp",
  "browser_web_vital_ttfb",
]);
const BUILTIN_DATA_METRICS = new Set([
  "data_sent",
  "data_received",
  "browser_data_sent",
  "browser_data_received",
]);

/** Which k6 summary shape a parsed object is, decided by its top-level keys. */
export function k6SummaryShape(value: Record<string, unknown>): "v1" | "legacy" | "export" | undefined {
  if (typeof value.version === "string" && isObject(value.results)) return "v1";
  if (!isObject(value.metrics)) return undefined;
  const metrics = Object.values(value.metrics);
  if (metrics.length > 0 && metrics.every((m) => isObject(m) && "type" in m && isObject(m.values)))
    return "legacy";
  const stats = /^(avg|min|med|max|count|rate|value|passes|fails|p\(\d+(\.\d+)?\))$/;
  if (metrics.every((m) => isObject(m) && Object.keys(m).some((k) => stats.test(k)))) return "export";
  return undefined;
}

interface MetricEntry {
  key: string;
  type: K6Type;
  contains: K6Contains;
  values: Record<string, unknown>;
  path: JsonPath;
  note?: string;
}

/**
 * Reads a k6 end-of-test summary: the `handleSummary` data object, the v1.0.0 machine-readable summary
 * (top-level `version`), or the flat `--summary-export` file. One sample per metric statistic, labelled
 * `stat` (`avg`, `p(95)`, `count`, ...) plus any sub-metric tags; k6's milliseconds become seconds.
 */
export function readK6Summary(record: JsonRecord, file: string): MeasuredSample[] {
  const root = record.value;
  if (!isObject(root)) failAt(record, file, [], "expected a k6 summary object");
  const shape = k6SummaryShape(root);
  if (!shape)
    failAt(record, file, ["metrics"], "not a k6 summary: metrics must map names to {type, contains, values}");
  const entries =
    shape === "v1"
      ? v1Entries(record, file, root)
      : mapEntries(record, file, root.metrics, ["metrics"], shape);
  const lines = new LineIndex(record.text);
  const samples: MeasuredSample[] = [];
  for (const entry of entries) {
    const offset = jsonOffsetOf(record.text, entry.path);
    const line = offset === undefined ? {} : { line: lines.position(offset).line + record.firstLine - 1 };
    samples.push(...entrySamples(record, file, entry, line));
  }
  samples.push(...checkSamples(root, shape, file));
  return samples;
}

function v1Entries(record: JsonRecord, file: string, root: Record<string, unknown>): MetricEntry[] {
  const results = root.results as Record<string, unknown>;
  const out = collectV1(record, file, results.metrics, ["results", "metrics"]);
  if (isObject(results.checks))
    out.push(...collectV1(record, file, results.checks.metrics, ["results", "checks", "metrics"]));
  return out;
}

/** v1 metrics are an array (schema) or, in early examples, objects keyed by category then by name. */
function collectV1(record: JsonRecord, file: string, metrics: unknown, path: JsonPath): MetricEntry[] {
  if (metrics === undefined) return [];
  if (Array.isArray(metrics)) {
    return metrics.map((m, i) => {
      if (!isObject(m) || typeof m.name !== "string")
        failAt(record, file, [...path, i], "each metric needs a name");
      return typedEntry(record, file, m.name, m, [...path, i]);
    });
  }
  if (!isObject(metrics)) failAt(record, file, path, "metrics must be an array or an object");
  return Object.entries(metrics).flatMap(([key, value]) => {
    if (isObject(value) && "type" in value) {
      const name = typeof value.name === "string" ? value.name : key;
      return [typedEntry(record, file, name, value, [...path, key])];
    }
    return collectV1(record, file, value, [...path, key]);
  });
}

function mapEntries(
  record: JsonRecord,
  file: string,
  metrics: unknown,
  path: JsonPath,
  shape: "legacy" | "export",
): MetricEntry[] {
  return Object.entries(metrics as Record<string, unknown>).map(([key, value]) =>
    shape === "legacy"
      ? typedEntry(record, file, key, value as Record<string, unknown>, [...path, key])
      : exportEntry(key, value as Record<string, unknown>, [...path, key]),
  );
}

function typedEntry(
  record: JsonRecord,
  file: string,
  key: string,
  m: Record<string, unknown>,
  path: JsonPath,
): MetricEntry {
  if (!["counter", "gauge", "rate", "trend"].includes(m.type as string)) {
    failAt(record, file, [...path, "type"], "type must be counter, gauge, rate or trend");
  }
  const contains = m.contains ?? "default";
  if (!["default", "time", "data"].includes(contains as string)) {
    failAt(record, file, [...path, "contains"], "contains must be default, time or data");
  }
  if (!isObject(m.values)) failAt(record, file, [...path, "values"], "values must be an object");
  return {
    key,
    type: m.type as K6Type,
    contains: contains as K6Contains,
    values: m.values,
    path: [...path, "values"],
  };
}

/** `--summary-export` keeps only the statistics: the type is inferred from them, the unit from the name. */
function exportEntry(key: string, m: Record<string, unknown>, path: JsonPath): MetricEntry {
  const { thresholds: _thresholds, ...values } = m;
  const type: K6Type =
    "passes" in values || "fails" in values
      ? "rate"
      : "avg" in values || "med" in values
        ? "trend"
        : "count" in values
          ? "counter"
          : "gauge";
  const name = splitKey(key).name;
  const contains: K6Contains = BUILTIN_TIME_METRICS.has(name)
    ? "time"
    : BUILTIN_DATA_METRICS.has(name)
      ? "data"
      : "default";
  const unknownTime = type === "trend" && contains === "default";
  return {
    key,
    type,
    contains,
    values,
    path,
    ...(unknownTime
      ? { note: "--summary-export does not record whether a custom trend holds times; value kept as written" }
      : {}),
  };
}

/** `http_req_duration{expected_response:true}` → name and tags. */
function splitKey(key: string): { name: string; labels: Record<string, string> } {
  const match = /^([^{]+)\{(.*)\}$/.exec(key);
  if (!match) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  for (const part of match[2]!.split(",")) {
    const colon = part.indexOf(":");
    if (colon > 0) labels[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { name: match[1]!, labels };
}

function entrySamples(
  record: JsonRecord,
  file: string,
  entry: MetricEntry,
  line: { line?: number },
): MeasuredSample[] {
  const { name, labels } = splitKey(entry.key);
  return Object.entries(entry.values).map(([stat, raw]) => {
    if (typeof raw !== "number") failAt(record, file, [...entry.path, stat], `${stat} must be a number`);
    const { unit, divisor } = unitOf(entry, stat);
    return {
      source: "k6-summary" as const,
      metric: name,
      rawMetric: name,
      labels: { ...labels, stat },
      stage: null,
      unit,
      scope: null,
      t: null,
      value: raw / divisor,
      file,
      ...line,
      ...(entry.note ? { note: entry.note } : {}),
    };
  });
}

const COUNT_STATS = new Set(["count", "passes", "fails", "matches", "total"]);

/** k6 times are milliseconds; dividing (not multiplying by 1e-3) keeps 234.56 ms → 0.23456 s exact. */
function unitOf(entry: MetricEntry, stat: string): { unit: string; divisor: number } {
  if (entry.type === "rate") return { unit: "1", divisor: 1 };
  if (entry.type === "counter" && stat === "rate") {
    return entry.contains === "data" ? { unit: "bytes_per_s", divisor: 1 } : { unit: "1/s", divisor: 1 };
  }
  if (COUNT_STATS.has(stat) && entry.type !== "counter") return { unit: "1", divisor: 1 };
  if (entry.contains === "time") return { unit: "s", divisor: 1000 };
  if (entry.contains === "data") return { unit: "bytes", divisor: 1 };
  return { unit: "1", divisor: 1 };
}

/** Named checks' pass/fail counts, from v1 `checks.results`/`orderedChecks` or legacy `root_group`. */
function checkSamples(root: Record<string, unknown>, shape: string, file: string): MeasuredSample[] {
  const checks: { name: string; passes: number; fails: number }[] = [];
  const take = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (
        isObject(c) &&
        typeof c.name === "string" &&
        typeof c.passes === "number" &&
        typeof c.fails === "number"
      ) {
        checks.push({ name: c.name, passes: c.passes, fails: c.fails });
      }
    }
  };
  if (shape === "v1") {
    const c = (root.results as Record<string, unknown>).checks;
    if (isObject(c)) take(c.results ?? c.orderedChecks);
  } else {
    const walk = (group: unknown): void => {
      if (!isObject(group)) return;
      take(
        Array.isArray(group.checks)
          ? group.checks
          : isObject(group.checks)
            ? Object.values(group.checks)
            : undefined,
      );
      const groups = Array.isArray(group.groups)
        ? group.groups
        : isObject(group.groups)
          ? Object.values(group.groups)
          : [];
      groups.forEach(walk);
    };
    walk(root.root_group);
  }
  return checks.flatMap((c) =>
    (["passes", "fails"] as const).map((stat) => ({
      source: "k6-summary" as const,
      metric: "k6_check",
      rawMetric: "checks",
      labels: { check: c.name, stat },
      stage: null,
      unit: "1",
      scope: null,
      t: null,
      value: c[stat],
      file,
    })),
  );
}
