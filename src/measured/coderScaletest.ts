import { parseGoDurationSeconds } from "./goDuration.js";
import type { JsonPath } from "./jsonLocate.js";
import { jsonOffsetOf } from "./jsonLocate.js";
import { failAt, isObject, type JsonRecord, parseJsonOrNdjson } from "./jsonRecords.js";
import type { MeasuredSample } from "./sample.js";
import { LineIndex } from "./textPos.js";
import { parseRfc3339 } from "./time.js";

/** The harness writes `fmt.Sprintf("%+v", err)`, so a passing run's error is the string "<nil>". */
const NO_ERROR = "<nil>";

interface Run {
  key: string;
  testName: string;
  seconds: number;
  passed: boolean;
  startedAt: number | undefined;
}

/**
 * Reads `coder exp scaletest ... --output json:<path>` (harness.Results): per test name, the
 * distribution of run durations in seconds and pass/fail counts, plus the totals and elapsed time.
 */
export function readCoderScaletest(text: string, file: string): MeasuredSample[] {
  return readCoderScaletestRecords(parseJsonOrNdjson(text, file).records, file);
}

/** As readCoderScaletest, on already parsed JSON records. */
export function readCoderScaletestRecords(records: readonly JsonRecord[], file: string): MeasuredSample[] {
  return records.flatMap((record) => readResults(record, file));
}

function readResults(record: JsonRecord, file: string): MeasuredSample[] {
  const root = record.value;
  if (!isObject(root)) failAt(record, file, [], "expected a scaletest results object");
  if (!isObject(root.runs))
    failAt(record, file, ["runs"], "runs must be an object keyed by <test_name>/<id>");
  const runs = Object.entries(root.runs).map(([key, run]) => readRun(record, file, key, run));
  const lines = new LineIndex(record.text);
  const lineOfRun = (key: string): { line?: number } => {
    const offset = jsonOffsetOf(record.text, ["runs", key]);
    return offset === undefined ? {} : { line: lines.position(offset).line + record.firstLine - 1 };
  };
  const base = (metric: string, labels: Record<string, string>, unit: string, line: { line?: number }) =>
    ({
      source: "coder-scaletest",
      metric,
      rawMetric: metric,
      labels,
      stage: null,
      unit,
      scope: null,
      t: null,
      file,
      ...line,
    }) as const;

  const samples: MeasuredSample[] = [];
  const byTest = new Map<string, Run[]>();
  for (const run of runs) byTest.set(run.testName, [...(byTest.get(run.testName) ?? []), run]);
  for (const [testName, list] of byTest) {
    const ordered = [...list].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
    const passed = list.filter((r) => r.passed).length;
    const labels = { test_name: testName };
    const line = lineOfRun(list[0]!.key);
    samples.push(
      {
        ...base("scaletest_run_duration_seconds", labels, "s", line),
        rawMetric: "duration_ms",
        samples: ordered.map((r) => r.seconds),
        note: `${list.length} runs (${passed} passed, ${list.length - passed} failed); failed runs included`,
      },
      { ...base("scaletest_runs_passed", labels, "1", line), rawMetric: "error", value: passed },
      {
        ...base("scaletest_runs_failed", labels, "1", line),
        rawMetric: "error",
        value: list.length - passed,
      },
    );
  }
  const listedPass = runs.filter((r) => r.passed).length;
  const totals: [string, string, number][] = [
    ["scaletest_runs_total", "total_runs", runs.length],
    ["scaletest_runs_passed", "total_pass", listedPass],
    ["scaletest_runs_failed", "total_fail", runs.length - listedPass],
  ];
  for (const [metric, field, listed] of totals) {
    const declared = root[field];
    if (declared === undefined) continue;
    if (typeof declared !== "number") failAt(record, file, [field], `${field} must be a number`);
    samples.push({
      ...base(metric, {}, "1", {}),
      rawMetric: field,
      value: declared,
      ...(declared === listed ? {} : { note: `file says ${declared}, but ${listed} such runs are listed` }),
    });
  }
  const elapsed = seconds(record, file, root, [], "elapsed");
  if (elapsed !== undefined)
    samples.push({
      ...base("scaletest_elapsed_seconds", {}, "s", {}),
      rawMetric: "elapsed_ms",
      value: elapsed,
    });
  return samples;
}

function readRun(record: JsonRecord, file: string, key: string, run: unknown): Run {
  const path: JsonPath = ["runs", key];
  if (!isObject(run)) failAt(record, file, path, "each run must be an object");
  const testName = run.test_name ?? key.split("/")[0];
  if (typeof testName !== "string" || testName === "")
    failAt(record, file, [...path, "test_name"], "test_name must be a string");
  const duration = seconds(record, file, run, path, "duration");
  if (duration === undefined) failAt(record, file, path, "run has neither duration_ms nor duration");
  const error = run.error;
  if (error !== undefined && error !== null && typeof error !== "string") {
    failAt(record, file, [...path, "error"], 'error must be a string ("<nil>" when the run passed)');
  }
  const passed = error === undefined || error === null || error === "" || error === NO_ERROR;
  const startedAt = typeof run.started_at === "string" ? parseRfc3339(run.started_at) : undefined;
  return { key, testName, seconds: duration, passed, startedAt };
}

/** `<field>_ms` (integer milliseconds) is preferred; `<field>` is a Go duration string such as "1m2.5s". */
function seconds(
  record: JsonRecord,
  file: string,
  obj: Record<string, unknown>,
  path: JsonPath,
  field: string,
): number | undefined {
  const ms = obj[`${field}_ms`];
  if (ms !== undefined) {
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      failAt(
        record,
        file,
        [...path, `${field}_ms`],
        `${field}_ms must be a non-negative number of milliseconds`,
      );
    }
    return ms / 1000;
  }
  const text = obj[field];
  if (text === undefined) return undefined;
  const parsed = typeof text === "string" ? parseGoDurationSeconds(text) : undefined;
  if (parsed === undefined)
    failAt(record, file, [...path, field], `${field} must be a Go duration such as "1m2.5s"`);
  return parsed;
}
