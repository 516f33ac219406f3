/**
 * A client of Prometheus' HTTP API (/api/v1/*) over Node's fetch. Every failure (no connection, no
 * answer in time, an HTTP error, a Prometheus `error` answer, an answer that is not the API's JSON) is
 * an InputError naming `--prometheus`, the endpoint and the reason: bad input, exit 2. Credentials in
 * the URL (`http://user:password@host`, or the password in CAPSIM_PROMETHEUS_PASSWORD) are sent as basic
 * auth and never shown: `url` is the root without the password.
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
/** The basic-auth password when the URL names only the user (kept off the command line). */
export const PASSWORD_ENV = "CAPSIM_PROMETHEUS_PASSWORD";

export class PrometheusClient {
  /** The server's root as shown in messages and reports: no password. */
  readonly url: string;
  private readonly root: string;
  private readonly auth: BasicAuth | undefined;
  private readonly timeoutMs: number;
  private readonly option: string;

  constructor(url: string, opts: ClientOptions = {}) {
    this.option = opts.option ?? "--prometheus";
    const server = serverRoot(url, this.option);
    this.url = server.shown;
    this.root = server.root;
    this.auth = server.auth;
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
      const init = { signal: AbortSignal.timeout(this.timeoutMs), headers: authHeader(this.auth) };
      // Prometheus 2.x takes label values by GET only.
      res = endpoint.startsWith("label/")
        ? await fetch(`${this.root}/api/v1/${endpoint}?${form}`, init)
        : await fetch(`${this.root}/api/v1/${endpoint}`, { ...init, method: "POST", body: form });
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
    if (res.status === 401 || res.status === 403) throw this.fail(what, refused(res, this.auth));
    if (!res.ok) {
      const snippet = text.trim().slice(0, 200);
      throw this.fail(
        what,
        `HTTP ${res.status} ${res.statusText}${snippet ? ` (${snippet})` : ""}; give the server's root URL with its path prefix if it has one (--web.route-prefix), e.g. http://prometheus:9090 or http://host/prometheus`,
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

interface BasicAuth {
  user: string;
  password: string;
}

/**
 * The URL without a trailing slash (only http(s) with a host), split into the root requests go to, the
 * root shown (the user kept, the password never), and the credentials it carried.
 */
function serverRoot(
  url: string,
  option: string,
): { root: string; shown: string; auth: BasicAuth | undefined } {
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
    throw new InputError({
      file: option,
      path: "",
      message: `"${parsed.password ? redacted(parsed) : url}" is not an http(s) URL`,
    });
  const auth =
    parsed.username === ""
      ? undefined
      : {
          user: decodeURIComponent(parsed.username),
          password: parsed.password ? decodeURIComponent(parsed.password) : (process.env[PASSWORD_ENV] ?? ""),
        };
  parsed.password = "";
  const shown = parsed.href.replace(/\/+$/, "");
  parsed.username = "";
  return { root: parsed.href.replace(/\/+$/, ""), shown, auth };
}

function redacted(url: URL): string {
  const copy = new URL(url.href);
  copy.password = "";
  return copy.href;
}

function authHeader(auth: BasicAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` };
}

/** Why a 401/403 came back: no credentials given, or the ones given were refused. */
function refused(res: Response, auth: BasicAuth | undefined): string {
  const status = `HTTP ${res.status} ${res.statusText}`;
  if (auth) return `${status}: the server refused the credentials of user "${auth.user}"`;
  return `${status}: the server asks for credentials; give them in the URL (http://USER:PASSWORD@host:9090, or http://USER@host:9090 with the password in ${PASSWORD_ENV})`;
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
