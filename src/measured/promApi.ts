import type { Answer } from "../figures/answers.js";
import type { Labels, Series } from "../series/types.js";
import type { JsonPath } from "./jsonLocate.js";
import { failAt, isObject, type JsonRecord } from "./jsonRecords.js";
import { SeriesBuilder } from "./seriesBuilder.js";
import { parsePromFloat } from "./units.js";

/** What a file of Prometheus HTTP API results holds: raw series, and answers to named queries. */
export interface PromApiData {
  series: Series[];
  answers: Answer[];
}

export const NAME_THE_QUERY =
  'save each response with its query: {"query": "<the PromQL>", "data": <the response\'s data>} ' +
  '(or {"query": ..., "response": <the whole response>}), e.g. curl -s URL | jq --arg q \'sum(rate(x[1m]))\' ' +
  "'{query: $q, data: .data}'; see docs/metrics.md";

/**
 * Reads Prometheus HTTP API results: `{query, response}` or `{query, data}` documents (a JSON array of
 * them, or one per line), or a bare response whose series all carry `__name__` (a raw selector's, which
 * names itself). A result of a function has lost `__name__`: without its query text nobody can tell
 * what it measures, so such a response without a query is refused. `status: "error"` is an InputError.
 */
export function readPromApiRecords(records: readonly JsonRecord[], file: string): PromApiData {
  const raw = new SeriesBuilder();
  const answers: Answer[] = [];
  for (const record of records) {
    const entries = Array.isArray(record.value) ? record.value : [record.value];
    entries.forEach((entry, i) => {
      readEntry(record, file, entry, Array.isArray(record.value) ? [i] : [], raw, answers);
    });
  }
  return { series: dropRepeats(raw.build()), answers };
}

function readEntry(
  record: JsonRecord,
  file: string,
  entry: unknown,
  path: JsonPath,
  raw: SeriesBuilder,
  answers: Answer[],
): void {
  if (!isObject(entry))
    failAt(record, file, path, "expected a Prometheus API response or a {query, data} object");
  const query = entry.query;
  if (query !== undefined && (typeof query !== "string" || query.trim() === ""))
    failAt(record, file, [...path, "query"], "query must be the PromQL text");
  const response = "response" in entry ? entry.response : entry;
  const responsePath = "response" in entry ? [...path, "response"] : path;
  const results = readResponse(record, file, response, responsePath, query as string | undefined);
  if (results.every((r) => r.labels.__name__ !== undefined)) {
    for (const r of results)
      for (let i = 0; i < r.times.length; i++) raw.add(r.labels, r.times[i]!, r.values[i]!);
    return;
  }
  if (query === undefined)
    failAt(
      record,
      file,
      path,
      `a query result without its query text: capsim cannot tell what it measures; ${NAME_THE_QUERY}`,
    );
  answers.push({ query: query as string, series: results });
}

function readResponse(
  record: JsonRecord,
  file: string,
  response: unknown,
  path: JsonPath,
  query: string | undefined,
): Series[] {
  if (!isObject(response)) failAt(record, file, path, "expected a Prometheus API response object");
  if (response.status === "error") {
    const kind = typeof response.errorType === "string" ? `${response.errorType}: ` : "";
    const what = typeof response.error === "string" ? response.error : "no message";
    const forQuery = query ? ` (query ${query})` : "";
    failAt(record, file, [...path, "status"], `Prometheus returned an error${forQuery}: ${kind}${what}`);
  }
  if (response.status !== undefined && response.status !== "success")
    failAt(record, file, [...path, "status"], 'status must be "success" or "error"');
  // `{query, data}` documents hold the data object itself.
  const data = "resultType" in response ? response : response.data;
  const dataPath = "resultType" in response ? path : [...path, "data"];
  if (!isObject(data)) failAt(record, file, dataPath, "missing data object (resultType, result)");
  const at = (sub: JsonPath): JsonPath => [...dataPath, ...sub];
  switch (data.resultType) {
    case "matrix":
    case "vector": {
      if (!Array.isArray(data.result)) failAt(record, file, at(["result"]), "result must be an array");
      return data.result.map((s, i) =>
        readSeries(record, file, s, at(["result", i]), data.resultType === "matrix"),
      );
    }
    case "scalar": {
      const [t, v] = pair(record, file, data.result, at(["result"]));
      return [{ labels: {}, times: [t], values: [v] }];
    }
    case "string":
      return failAt(record, file, at(["resultType"]), "a string result carries no measurements");
    default:
      return failAt(record, file, at(["resultType"]), 'resultType must be "matrix", "vector" or "scalar"');
  }
}

function readSeries(
  record: JsonRecord,
  file: string,
  series: unknown,
  path: JsonPath,
  matrix: boolean,
): Series {
  if (!isObject(series)) failAt(record, file, path, "each result must be an object with metric and values");
  if (series.histograms !== undefined || series.histogram !== undefined)
    failAt(record, file, path, "native histograms are not read: query the classic _bucket series instead");
  const labels = readLabels(record, file, series.metric, [...path, "metric"]);
  const times: number[] = [];
  const values: number[] = [];
  const add = ([t, v]: [number, number]): void => {
    times.push(t);
    values.push(v);
  };
  if (matrix) {
    if (series.values !== undefined && !Array.isArray(series.values))
      failAt(record, file, [...path, "values"], "values must be an array of [time, value]");
    ((series.values as unknown[] | undefined) ?? []).forEach((p, i) => {
      add(pair(record, file, p, [...path, "values", i]));
    });
  } else if (series.value !== undefined) add(pair(record, file, series.value, [...path, "value"]));
  return { labels, times, values };
}

/**
 * A raw series queried at a step finer than its scrape interval repeats the last scrape at every step;
 * only the first of a run of equal values is a scrape, so the repeats are dropped (rates and medians
 * over scrapes then see each scrape once).
 */
function dropRepeats(series: Series[]): Series[] {
  return series.map((s) => {
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < s.times.length; i++) {
      const v = s.values[i]!;
      if (i > 0 && Object.is(v, s.values[i - 1])) continue;
      times.push(s.times[i]!);
      values.push(v);
    }
    return { labels: s.labels, times, values };
  });
}

function readLabels(record: JsonRecord, file: string, metric: unknown, path: JsonPath): Labels {
  if (metric === undefined) return {};
  if (!isObject(metric)) failAt(record, file, path, "metric must be an object of label names to values");
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v !== "string") failAt(record, file, [...path, k], "label values must be strings");
    labels[k] = v;
  }
  return labels;
}

/** `[unix_seconds, "value"]`; values are strings in the API and may be "NaN" or "+Inf". */
function pair(record: JsonRecord, file: string, p: unknown, path: JsonPath): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== "number")
    failAt(record, file, path, 'expected [unix_seconds, "value"]');
  const value = typeof p[1] === "string" ? parsePromFloat(p[1]) : typeof p[1] === "number" ? p[1] : undefined;
  if (value === undefined)
    failAt(record, file, [...path, 1], `value ${JSON.stringify(p[1])} is not a number`);
  return [p[0] as number, value as number];
}
