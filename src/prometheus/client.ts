/**
 * A client of Prometheus' HTTP API (/api/v1/*) over Node's fetch. Every failure (no connection, no
 * answer in time, an HTTP error, a Prometheus `error` answer, an answer that is not the API's JSON) is
 * an InputError naming `--prometheus`, the endpoint and the reason: bad input, exit 2.
 */
import { InputError } from "../errors.js";
import type { Labels } from "../series/types.js";

/** One result series, values as numbers ("+Inf", "NaN" included): the evaluator's Matrix shape. */
export interface PromSeries {
  labels: Labels;
  times: number[];
  values: number[];
}

export interface ClientOptions {
  /** Seconds to wait for each answer; default 60. */
  timeoutSeconds?: number;
  /** Which option the URL came from, for messages; default `--prometheus`. */
  option?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 60;

export class PrometheusClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly option: string;

  constructor(url: string, opts: ClientOptions = {}) {
    this.option = opts.option ?? "--prometheus";
    this.url = serverRoot(url, this.option);
    this.timeoutMs = (opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  }

  /** /api/v1/query_range: `expr` at start, start + step, ... ≤ end (seconds). */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<PromSeries[]> {
    const data = await this.call("query_range", {
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    });
    return results(data, (reason) => this.fail(`query_range ${expr}`, reason));
  }

  /** /api/v1/query at `time`: a vector or scalar is one point per series, a range vector its raw samples. */
  async query(expr: string, time: number): Promise<PromSeries[]> {
    const data = await this.call("query", { query: expr, time: String(time) });
    return results(data, (reason) => this.fail(`query ${expr}`, reason));
  }

  /** /api/v1/label/__name__/values: metric names of the series `match` selects (all when undefined). */
  async metricNames(match: string | undefined, start: number, end: number): Promise<Set<string>> {
    const params: Record<string, string> = { start: String(start), end: String(end) };
    if (match !== undefined) params["match[]"] = match;
    const data = await this.call("label/__name__/values", params);
    if (!Array.isArray(data) || !data.every((v) => typeof v === "string"))
      throw this.fail("label/__name__/values", "the answer's data is not a list of names");
    return new Set(data as string[]);
  }

  /** /api/v1/series: label sets of the series `match` selects in [start, end]. */
  async series(match: string, start: number, end: number): Promise<Labels[]> {
    const data = await this.call("series", { "match[]": match, start: String(start), end: String(end) });
    if (!Array.isArray(data) || !data.every(isStringRecord))
      throw this.fail(`series ${match}`, "the answer's data is not a list of label sets");
    return data as Labels[];
  }

  private fail(what: string, reason: string): InputError {
    return new InputError({ file: this.option, path: "", message: `${this.url}/api/v1/${what}: ${reason}` });
  }

  /** Sends form parameters (POST where allowed, so long PromQL fits) and returns the answer's `data`. */
  private async call(endpoint: string, params: Record<string, string>): Promise<unknown> {
    const what = params.query !== undefined ? `${endpoint} ${params.query}` : endpoint;
    let res: Response;
    try {
      const form = new URLSearchParams(params);
      const signal = AbortSignal.timeout(this.timeoutMs);
      // Prometheus 2.x takes label values by GET only.
      res = endpoint.startsWith("label/")
        ? await fetch(`${this.url}/api/v1/${endpoint}?${form}`, { signal })
        : await fetch(`${this.url}/api/v1/${endpoint}`, { method: "POST", body: form, signal });
    } catch (err) {
      throw this.fail(what, unreachable(err, this.timeoutMs / 1000));
    }
    const text = await res.text().catch(() => "");
    let body: { status?: unknown; data?: unknown; error?: unknown; errorType?: unknown } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (body && body.status === "error") {
      const type = typeof body.errorType === "string" ? `${body.errorType}: ` : "";
      throw this.fail(what, `Prometheus answered HTTP ${res.status}, ${type}${String(body.error)}`);
    }
    if (!res.ok) {
      const snippet = text.trim().slice(0, 200);
      throw this.fail(
        what,
        `HTTP ${res.status} ${res.statusText}${snippet ? ` (${snippet})` : ""}; give the server's root URL, e.g. http://prometheus:9090`,
      );
    }
    if (body?.status !== "success")
      throw this.fail(
        what,
        "not a Prometheus API answer (no JSON with status success); is the URL a Prometheus server?",
      );
    return body.data;
  }
}

/** The URL without a trailing slash; only http(s) with a host. */
function serverRoot(url: string, option: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError({
      file: option,
      path: "",
      message: `"${url}" is not a URL; give e.g. http://127.0.0.1:9090`,
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new InputError({ file: option, path: "", message: `"${url}" is not an http(s) URL` });
  return url.replace(/\/+$/, "");
}

function unreachable(err: unknown, timeoutSeconds: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutSeconds} s`;
  const cause = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return `cannot reach the server (${cause})`;
}

function isStringRecord(v: unknown): boolean {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === "string")
  );
}

/** Prometheus' JSON sample value: a Go float formatted as a string. */
function promValue(v: unknown): number {
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

type Pair = [number, string];

/** A vector, matrix or scalar answer as series. */
function results(data: unknown, fail: (reason: string) => InputError): PromSeries[] {
  const d = data as { resultType?: string; result?: unknown };
  switch (d?.resultType) {
    case "matrix":
      return (d.result as { metric: Labels; values: Pair[] }[]).map((r) => ({
        labels: r.metric,
        times: r.values.map(([t]) => t),
        values: r.values.map(([, v]) => promValue(v)),
      }));
    case "vector":
      return (d.result as { metric: Labels; value: Pair }[]).map((r) => ({
        labels: r.metric,
        times: [r.value[0]],
        values: [promValue(r.value[1])],
      }));
    case "scalar": {
      const [t, v] = d.result as Pair;
      return [{ labels: {}, times: [t], values: [promValue(v)] }];
    }
    default:
      throw fail(`unexpected result type ${JSON.stringify(d?.resultType)}`);
  }
}
