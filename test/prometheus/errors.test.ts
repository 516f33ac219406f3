/**
 * `--prometheus` and its options on bad input: every problem is bad input (exit 2) naming the option, the
 * URL and the reason, before anything is simulated. No Prometheus needed: the servers here are stand-ins
 * that fail. Three runs of the CLI check the exit code end to end; the rest call the module.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  measureFromPrometheus,
  PrometheusClient,
  parseInstant,
  parseStageFlag,
  parseStep,
  readStagesFile,
  stageFlags,
} from "../../src/prometheus/index.js";
import { capsim, closedPort, ROOT, serve } from "./cli.js";

const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-prometheus-errors-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The message of the InputError `f` throws. */
async function inputError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  throw new Error("no InputError");
}

describe.concurrent("capsim compare --prometheus on bad input (CLI)", () => {
  it("an unreachable server: exit 2 with the URL and the reason, nothing on stdout", async () => {
    const port = await closedPort();
    const r = await capsim(["compare", TINY, "--prometheus", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^--prometheus: http://127\\.0\\.0\\.1:${port}/api/v1/query capsim_stage_active\\[\\d+s\\]: cannot reach the server \\(ECONNREFUSED\\)\n$`,
      ),
    );
    expect(r.stdout).toBe("");
  });

  it("--db-selector without --prometheus: exit 2 naming the option", async () => {
    const r = await capsim([
      "compare",
      TINY,
      "results/measured/scaletest-2000.yaml",
      "--db-selector",
      '{job="node"}',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("--db-selector: needs --prometheus\n");
  });

  it("a bad --stage: exit 2 naming the option", async () => {
    const r = await capsim(["compare", TINY, "--prometheus", "http://127.0.0.1:1", "--stage", "dashboard"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--stage: "dashboard": expected NAME=START\.\.END/);
  });

  it("a bad --stages file: exit 2 at its line and column", async () => {
    const file = join(dir, "stages.yaml");
    writeFileSync(
      file,
      "stages:\n  - {name: prepare, start: 1700000000, end: 1700000600}\n  - {name: ssh, start: soon, end: 1700001200}\n",
    );
    const r = await capsim([
      "calibrate",
      TINY,
      "--fit",
      "coderd.connection_cpu_vcpu",
      "--out",
      join(dir, "m.yaml"),
      "--prometheus",
      "http://127.0.0.1:1",
      "--stages",
      file,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}:3:24: stages.1.start: start must be unix seconds or an RFC 3339 time such as 2024-03-01T10:00:00Z\n`,
    );
  });
});

describe("server failures", () => {
  it("not Prometheus (HTTP 404): the status and a hint", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("404 page not found");
    });
    try {
      const message = await inputError(() => measureFromPrometheus({ url: `${srv.url}/` }));
      expect(message).toMatch(
        new RegExp(
          `^--prometheus: ${srv.url}/api/v1/query capsim_stage_active\\[\\d+s\\]: HTTP 404 Not Found \\(404 page not found\\); give the server's root URL`,
        ),
      );
    } finally {
      await srv.close();
    }
  });

  it("a Prometheus error answer: Prometheus' own reason", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          status: "error",
          errorType: "execution",
          error: "query timed out in expression evaluation",
        }),
      );
    });
    try {
      const message = await inputError(() =>
        measureFromPrometheus({ url: srv.url, start: 1700000000, end: 1700003600 }),
      );
      expect(message).toBe(
        `--prometheus: ${srv.url}/api/v1/query capsim_stage_active[3600s]: Prometheus answered HTTP 422, execution: query timed out in expression evaluation`,
      );
    } finally {
      await srv.close();
    }
  });

  it("JSON that is not an API answer", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    try {
      const message = await inputError(() => new PrometheusClient(srv.url).query("up", 1));
      expect(message).toBe(
        `--prometheus: ${srv.url}/api/v1/query up: not a Prometheus API answer (no JSON with status success); is the URL a Prometheus server?`,
      );
    } finally {
      await srv.close();
    }
  });

  it("no answer in time", async () => {
    const srv = await serve(() => {});
    try {
      const client = new PrometheusClient(srv.url, { timeoutSeconds: 0.3 });
      expect(await inputError(() => client.query("up", 1))).toBe(
        `--prometheus: ${srv.url}/api/v1/query up: no answer within 0.3 s`,
      );
    } finally {
      await srv.close();
    }
  });

  it("a server without capsim_stage_active and no window given", async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } }));
    });
    try {
      expect(await inputError(() => measureFromPrometheus({ url: srv.url }))).toBe(
        `--prometheus: ${srv.url} has no capsim_stage_active series to take stage windows from: give --start and --end, --stages FILE or --stage NAME=START..END`,
      );
    } finally {
      await srv.close();
    }
  });
});

describe("bad options", () => {
  it("name the option and what is wrong", async () => {
    const cases: [() => unknown, string | RegExp][] = [
      [
        () => new PrometheusClient("127.0.0.1:9090"),
        '--prometheus: "127.0.0.1:9090" is not a URL; give e.g. http://127.0.0.1:9090',
      ],
      [
        () => new PrometheusClient("ftp://example.com"),
        '--prometheus: "ftp://example.com" is not an http(s) URL',
      ],
      [
        () => measureFromPrometheus({ url: "http://127.0.0.1:1", selector: 'namespace="coder"' }),
        /^--selector: namespace="coder": selector must be label matchers in braces/,
      ],
      [
        () => measureFromPrometheus({ url: "http://127.0.0.1:1", selector: '{namespace="coder"' }),
        /^--selector: \{namespace="coder": /,
      ],
      [
        () => measureFromPrometheus({ url: "http://127.0.0.1:1", start: 1700000000 }),
        "--end: give --start and --end together",
      ],
      [
        () => measureFromPrometheus({ url: "http://127.0.0.1:1", start: 1700000000, end: 1600000000 }),
        "--end: must be after --start",
      ],
      [
        () => parseInstant("yesterday", "--start"),
        '--start: "yesterday": must be unix seconds or an RFC 3339 time such as 2024-03-01T10:00:00Z',
      ],
      [
        () => parseInstant("2024-03-01T10:00:00", "--end"),
        '--end: "2024-03-01T10:00:00": "2024-03-01T10:00:00" has no time zone; add Z or an offset such as +02:00',
      ],
      [
        () => parseStep("0s"),
        '--step: "0s" is not a positive duration; give seconds (15) or a duration (15s, 1m)',
      ],
      [() => parseStep("fast"), /^--step: "fast" is not a positive duration/],
      [
        () => parseStageFlag("dashboard=2024-03-01T10:30:00Z..2024-03-01T10:00:00Z"),
        '--stage: "dashboard=2024-03-01T10:30:00Z..2024-03-01T10:00:00Z": end end must be after start',
      ],
      [() => parseStageFlag("=1..2"), /^--stage: "=1\.\.2": expected NAME=START\.\.END/],
      [
        () => stageFlags(["ssh=1700000000..1700000600", "ssh=1700000600..1700001200"]),
        "--stage: stage ssh is given twice",
      ],
      [() => readStagesFile(join(dir, "missing.yaml")), /missing\.yaml: cannot read: ENOENT/],
    ];
    for (const [f, expected] of cases) {
      const message = await inputError(f);
      if (typeof expected === "string") expect(message).toBe(expected);
      else expect(message).toMatch(expected);
    }
  });

  it("accept what they document", () => {
    expect(parseInstant("2024-03-01T10:00:00Z", "--start")).toBe(1709287200);
    expect(parseInstant("1709287200.5", "--start")).toBe(1709287200.5);
    expect([parseStep("15"), parseStep("15s"), parseStep("1m"), parseStep("500ms")]).toEqual([
      15, 15, 60, 0.5,
    ]);
    expect(parseStageFlag("dashboard=2024-03-01T10:00:00Z..1709289000")).toEqual({
      name: "dashboard",
      start: 1709287200,
      end: 1709289000,
    });
    const json = join(dir, "stages.json");
    writeFileSync(json, JSON.stringify([{ name: "ssh", start: "2024-03-01T10:00:00Z", end: 1709289000 }]));
    expect(readStagesFile(json)).toEqual([{ name: "ssh", start: 1709287200, end: 1709289000 }]);
  });
});
