import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPSIM_MAIN } from "../helpers/cli.js";

// The built CLI, so exit codes are tested end to end (test/freshBuild.ts keeps dist/ current).
const ROOT = resolve(import.meta.dirname, "../..");
const FIX = join(ROOT, "test/fixtures/compare");
const TINY = join(FIX, "tiny.yaml");

let dir: string;

function capsim(args: readonly string[]) {
  const r = spawnSync(process.execPath, [CAPSIM_MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "capsim-compare-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("capsim compare", () => {
  it("exits 0 when every simulated figure passes, listing the not simulated ones", () => {
    const out = join(dir, "pass.json");
    const r = capsim(["compare", TINY, join(FIX, "pass.yaml"), "--replications", "1", "--out", out]);
    expect(r.stderr).toBe(`wrote ${out}\n`);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.rows.map((row: { verdict: string }) => row.verdict)).toEqual(["pass", "pass"]);
    expect(json.not_simulated).toMatchObject([
      {
        metric: "api_rps_median",
        stage: "web_terminal",
        measured: { value: 250 },
        simulated: { mean: null, ci95: null },
        error: null,
        verdict: "not_simulated",
        reason: "stage web_terminal is not in the scenario",
      },
      {
        metric: "runner_memory_gb",
        verdict: "not_simulated",
        reason: "capsim does not simulate this metric",
      },
    ]);
    expect(json.counts).toEqual({ pass: 2, fail: 0, not_simulated: 2 });
    expect(r.stdout).toMatch(/agent_connections\s+all\s+1\s+20\s+-\s+20\s+\+0\.0%\s+pass/);
    expect(r.stdout).toMatch(
      // Builds never queue in tiny: the exact whole-build p95 wait is 0, inside the measured range.
      /provisioner_queue_wait_p95_s\s+prepare\s+s\s+0\s+-\s+0 \.\. 1\s+[-+]?0\.0%\s+pass/,
    );
    expect(r.stdout).toContain(
      "api_rps_median (web_terminal) measured 250 1/s: stage web_terminal is not in the scenario",
    );
    expect(r.stdout).toContain(
      "runner_memory_gb (all) measured 3.50e+10 bytes: capsim does not simulate this metric",
    );
    expect(r.stdout).toContain("2 pass, 0 fail, 2 not simulated");
  });

  it("exits 3 when a figure is outside the tolerance; a wider tolerance admits values, not a range far off", () => {
    const fail = capsim(["compare", TINY, join(FIX, "fail.yaml"), "--replications", "1"]);
    expect(fail.code).toBe(3);
    expect(fail.stdout).toMatch(/agent_connections\s+all\s+1\s+20\s+-\s+30\s+\+50%\s+FAIL/);
    expect(fail.stdout).toMatch(/provisioner_queue_wait_p95_s\s+prepare\s+s\s+0\s+-\s+5 \.\. 10\s+-\s+FAIL/);
    expect(fail.stdout).toContain("2 figure(s) outside the tolerance: exit 3.");

    const wide = capsim([
      "compare",
      TINY,
      join(FIX, "pass.yaml"),
      join(FIX, "fail.yaml"),
      "--tolerance",
      "60%",
    ]);
    // The queue-wait range (5..10 s against 0.095 s) still fails: exit 3, one failure.
    expect(wide.code).toBe(3);
    expect(wide.stdout).toContain("3 pass, 1 fail, 2 not simulated");
  });

  it("exits 2 on bad input: malformed or missing measured files, a bad tolerance, no measured file", () => {
    const malformed = capsim(["compare", TINY, join(FIX, "malformed.yaml"), join(FIX, "missing.yaml")]);
    expect(malformed.code).toBe(2);
    expect(malformed.stdout).toBe("");
    expect(malformed.stderr).toContain(
      "malformed.yaml:6:12: figures.0.range: give exactly one of value or range",
    );
    expect(malformed.stderr).toContain(
      "malformed.yaml:8:12: figures.1.value: db_cpu_utilization_median is a fraction",
    );
    expect(malformed.stderr).toContain("missing.yaml: cannot read: no such file");

    const tolerance = capsim(["compare", TINY, join(FIX, "pass.yaml"), "--tolerance", "10"]);
    expect(tolerance.code).toBe(2);
    expect(tolerance.stderr).toContain('--tolerance: "10" is ambiguous');

    const alone = capsim(["compare", TINY]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("no measured file given after the scenario");
  });

  it("reduces time series over --stages windows and prints the documented JSON, also to --out", () => {
    const out = join(dir, "compare.json");
    const r = capsim([
      "compare",
      TINY,
      join(FIX, "scrapes.prom"),
      "--stages",
      join(FIX, "stages.yaml"),
      "--replications",
      "1",
      "--json",
      "--out",
      out,
    ]);
    expect([0, 3]).toContain(r.code);
    const json = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(json);
    expect(Object.keys(json)).toEqual([
      "capsim_version",
      "scenario",
      "scenario_file",
      "scenario_sha256",
      "model",
      "model_file",
      "model_sha256",
      "seed",
      "replications",
      "tolerance",
      "measured_source",
      "measured_files",
      "stage_windows",
      "window_origin",
      "evaluated",
      "rows",
      "not_simulated",
      "skipped",
      "counts",
      "passed",
    ]);
    expect(json).toMatchObject({ scenario: "tiny", model: "coder-v2.8", seed: 7, replications: 1 });
    expect(json.scenario_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.model_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.tolerance).toEqual({ relative: 0.1 });
    expect(json.measured_source).toBe(join(FIX, "scrapes.prom"));
    expect(json.measured_files).toEqual([
      {
        file: join(FIX, "scrapes.prom"),
        format: "prom-text",
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        figures: 2,
      },
    ]);
    expect(json.stage_windows.map((s: { name: string }) => s.name)).toEqual(["ssh", "dashboard", "all"]);
    expect(json.window_origin).toBe("given");
    const rps = json.rows.find((row: { metric: string }) => row.metric === "api_rps_median");
    expect(Object.keys(rps)).toEqual([
      "metric",
      "stage",
      "unit",
      "scope",
      "simulated",
      "measured",
      "tolerance",
      "error",
      "verdict",
      "file",
      "note",
      "source",
      "promql",
      "series_count",
    ]);
    expect(rps).toMatchObject({
      stage: "dashboard",
      unit: "1/s",
      tolerance: { relative: 0.1 },
      source: "coderd",
      promql: "sum(rate(coderd_api_requests_processed_total[$__rate_interval]))",
      series_count: 1,
    });
    // 100 requests per 15 s scrape over the 30 s of data, rate(...[60s]) at 1709287230 extrapolated as
    // Prometheus does (by half an interval at the start): 200 × 37.5/30 / 60.
    expect(rps.measured.value).toBeCloseTo((200 * 1.25) / 60, 9);
    expect(rps.simulated.mean).toBeGreaterThan(0);
    expect(["pass", "fail"]).toContain(rps.verdict);
    const agents = json.rows.find((row: { metric: string }) => row.metric === "agent_connections");
    expect(agents).toMatchObject({ stage: null, measured: { value: 20 }, verdict: "pass", error: 0 });
    expect(json.skipped).toEqual([
      {
        file: join(FIX, "scrapes.prom"),
        metric: "go_goroutines",
        count: 1,
        reason: "no figure reads this metric (series counted)",
      },
    ]);
    expect(json.not_simulated).toEqual([]);
    expect(json.passed).toBe(json.counts.fail === 0);
    const lacking = json.evaluated.find((v: { name: string }) => v.name === "coderd_cpu_vcpu_median");
    expect(lacking).toMatchObject({ value: null, source: null });
    expect(lacking.note).toContain(
      "needs cadvisor: container_cpu_usage_seconds_total; or process: process_cpu_seconds_total",
    );
  });

  it("never passes on nothing: a file no figure can be read from exits 2 with the reason", () => {
    const file = join(dir, "goroutines.prom");
    writeFileSync(file, "go_goroutines 12 1709287200000\ngo_goroutines 14 1709287215000\n");
    const r = capsim(["compare", TINY, file, "--replications", "1"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("no figure could be compared");
    expect(r.stderr).toContain("agent_connections (all): no series for any recipe");
  });

  it("refuses a plain curl query_range result with no query text, naming the fix", () => {
    const file = join(dir, "curl.json");
    writeFileSync(
      file,
      JSON.stringify({
        status: "success",
        data: { resultType: "matrix", result: [{ metric: { pod: "coder-0" }, values: [[1709287200, "3"]] }] },
      }),
    );
    const r = capsim(["compare", TINY, file, "--replications", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('save each response with its query: {"query": "<the PromQL>", "data"');
  });
});
