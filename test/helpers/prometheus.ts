/**
 * A real Prometheus server for tests: TSDB blocks made by promtool from an OpenMetrics text, or scrapes
 * of given targets, on 127.0.0.1 and a free port. Tests that use it skip (saying why) where Prometheus
 * is not installed, and fail instead when CAPSIM_REQUIRE_TOOLS=1 (CI).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { describe, it } from "vitest";
import type { Matrix } from "../../src/promql/index.js";

const run = promisify(execFile);

/** Path of an executable on PATH (or in /usr/bin), or undefined. */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin"];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

export interface PrometheusTools {
  readonly prometheus: string;
  readonly promtool: string;
}

/** The installed tools, or the reason they cannot be used. */
export function prometheusTools(): PrometheusTools | string {
  const prometheus = which("prometheus");
  const promtool = which("promtool");
  if (!prometheus || !promtool)
    return `${[!prometheus && "prometheus", !promtool && "promtool"].filter(Boolean).join(" and ")} not installed (Debian: apt-get install prometheus)`;
  return { prometheus, promtool };
}

/**
 * `describe` for tests that need a real Prometheus: skipped with the reason printed when it is missing,
 * a failing test instead when CAPSIM_REQUIRE_TOOLS=1.
 */
export function describeWithPrometheus(name: string, body: (tools: PrometheusTools) => void): void {
  const tools = prometheusTools();
  if (typeof tools !== "string") {
    describe(name, () => body(tools));
    return;
  }
  if (process.env.CAPSIM_REQUIRE_TOOLS === "1") {
    describe(name, () => {
      it("needs Prometheus", () => {
        throw new Error(`${tools}; CAPSIM_REQUIRE_TOOLS=1 requires it`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${tools}`);
  describe.skip(name, () => body({ prometheus: "", promtool: "" }));
}

/** Writes TSDB blocks for `openMetrics` (text ending in `# EOF`) into `dir` with promtool. */
export async function createBlocks(tools: PrometheusTools, openMetrics: string, dir: string): Promise<void> {
  const input = join(dir, "input.om");
  await writeFile(input, openMetrics);
  try {
    await run(tools.promtool, ["tsdb", "create-blocks-from", "openmetrics", input, join(dir, "data")]);
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `promtool tsdb create-blocks-from openmetrics failed: ${e.stderr || e.stdout || e.message}`,
    );
  }
  await rm(input);
}

export interface ScrapeJob {
  readonly job: string;
  /** host:port of each target. */
  readonly targets: readonly string[];
  readonly intervalSeconds?: number;
  readonly metricsPath?: string;
  /** Labels added to every target of the job (namespace, pod, ...). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusOptions {
  /** Served from TSDB blocks promtool makes of this text (timestamps should be days in the past). */
  readonly openMetrics?: string;
  /** Targets to scrape. */
  readonly scrape?: readonly ScrapeJob[];
  readonly lookbackDeltaSeconds?: number;
  readonly extraArgs?: readonly string[];
  /** Served under this path (`--web.route-prefix`, e.g. `/prometheus`); `url` includes it. */
  readonly routePrefix?: string;
  /** Basic auth on every endpoint (`--web.config.file`): the user, its password and its bcrypt hash. */
  readonly basicAuth?: { readonly user: string; readonly password: string; readonly bcrypt: string };
}

export interface PrometheusServer {
  readonly url: string;
  readonly dataDir: string;
  /** Stops the server and removes its data; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts Prometheus on 127.0.0.1 and a free port and waits until it is ready. Always `stop()` it (afterAll). */
export async function startPrometheus(
  tools: PrometheusTools,
  opts: PrometheusOptions = {},
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), "capsim-prometheus-"));
  if (opts.openMetrics !== undefined) await createBlocks(tools, opts.openMetrics, dir);
  const config = join(dir, "prometheus.yml");
  await writeFile(config, configYaml(opts.scrape ?? []));
  const port = await freePort();
  if (opts.basicAuth) {
    const { user, bcrypt } = opts.basicAuth;
    await writeFile(join(dir, "web.yml"), `basic_auth_users:\n  ${user}: '${bcrypt}'\n`);
  }
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Blocks made from old samples must not be deleted by retention as soon as they load.
    "--storage.tsdb.retention.time=100y",
    `--query.lookback-delta=${opts.lookbackDeltaSeconds ?? 300}s`,
    ...(opts.basicAuth ? [`--web.config.file=${join(dir, "web.yml")}`] : []),
    ...(opts.routePrefix ? [`--web.route-prefix=${opts.routePrefix}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawn(tools.prometheus, args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  });
  const url = `http://127.0.0.1:${port}${opts.routePrefix ?? ""}`;
  const stop = once(async () => {
    await terminate(proc);
    await rm(dir, { recursive: true, force: true });
  });
  const auth = opts.basicAuth
    ? {
        authorization: `Basic ${Buffer.from(`${opts.basicAuth.user}:${opts.basicAuth.password}`).toString("base64")}`,
      }
    : undefined;
  try {
    await waitReady(url, proc, () => log, auth);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dataDir: join(dir, "data"), stop };
}

function configYaml(jobs: readonly ScrapeJob[]): string {
  const lines = ["global:", "  scrape_interval: 15s", "  evaluation_interval: 15s", "scrape_configs:"];
  if (jobs.length === 0) lines[lines.length - 1] += " []";
  for (const j of jobs) {
    lines.push(`  - job_name: ${JSON.stringify(j.job)}`);
    if (j.intervalSeconds) lines.push(`    scrape_interval: ${j.intervalSeconds}s`);
    if (j.metricsPath) lines.push(`    metrics_path: ${JSON.stringify(j.metricsPath)}`);
    lines.push("    static_configs:", `      - targets: ${JSON.stringify(j.targets)}`);
    if (j.labels) lines.push(`        labels: ${JSON.stringify(j.labels)}`);
  }
  return `${lines.join("\n")}\n`;
}

function once(f: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    p ??= f();
    return p;
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(
  url: string,
  proc: ChildProcess,
  log: () => string,
  headers?: Record<string, string>,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/-/ready`, headers ? { headers } : {});
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus not ready after 60 s:\n${log()}`);
}

async function terminate(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs /api/v1/query_range and returns the answer in the evaluator's Matrix shape (values as numbers). */
export async function queryRange(
  url: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<Matrix> {
  const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
  const res = await fetch(`${url}/api/v1/query_range`, { method: "POST", body });
  const json = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  if (json.status !== "success" || !json.data)
    throw new Error(`query_range ${query}: ${json.error ?? res.status}`);
  return json.data.result.map((r) => ({
    labels: r.metric,
    times: r.values.map(([t]) => t),
    values: r.values.map(([, v]) => promValue(v)),
  }));
}

/** Prometheus' JSON sample value: a Go float formatted as a string ("+Inf", "-Inf", "NaN" included). */
function promValue(v: string): number {
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/** Runs /api/v1/query at `time` (seconds) and returns the answer as a Matrix of one point per series. */
export async function queryInstant(url: string, query: string, time: number): Promise<Matrix> {
  const body = new URLSearchParams({ query, time: String(time) });
  const res = await fetch(`${url}/api/v1/query`, { method: "POST", body });
  const json = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (json.status !== "success" || !json.data) throw new Error(`query ${query}: ${json.error ?? res.status}`);
  const { resultType, result } = json.data;
  if (resultType === "scalar") {
    const [t, v] = result as [number, string];
    return [{ labels: {}, times: [t], values: [promValue(v)] }];
  }
  if (resultType !== "vector") throw new Error(`query ${query}: unexpected result type ${resultType}`);
  return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
    labels: r.metric,
    times: [r.value[0]],
    values: [promValue(r.value[1])],
  }));
}
