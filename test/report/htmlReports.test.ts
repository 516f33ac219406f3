import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHTML } from "linkedom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { inputLimits } from "../../src/input/limits.js";
import {
  defaultReportPath,
  detectReportInput,
  readCompare,
  readRunResults,
  readSweep,
  renderCompareReport,
  renderRunReport,
  renderSweepReport,
  toleranceBand,
  writeReport,
  writeRunReport,
} from "../../src/report/html/index.js";
import { CAPSIM_MAIN } from "../helpers/cli.js";
import { COMPARE_FIXTURE, ROOT, type RunFixture, SWEEP_FIXTURE, writeSmallRun } from "./runFixture.js";

const EVIL = `<script>alert("x")</script> & 'quotes'`;
let run: RunFixture;
let evilRun: RunFixture;
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "capsim-report-html-"));
  run = writeSmallRun([], join(tmp, "run"));
  evilRun = writeSmallRun([`name=${EVIL}`], join(tmp, "evil"));
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dom = (html: string) => parseHTML(html).document;

/** What makes a report self-contained: no URL that a browser would fetch, one inline script, JSON data blocks. */
function expectSelfContained(html: string): void {
  const markup = html.replace(/<script>[\s\S]*?<\/script>/g, "");
  expect(markup).not.toMatch(/<[^>]*\s(?:src|href|xlink:href|srcset|action|poster)\s*=/i);
  expect(markup).not.toMatch(/<link\b|<iframe\b|<object\b|@import|url\((?!#)/i);
  // Clip paths are referenced by id: every id on the page must be unique.
  const ids = [...dom(html).querySelectorAll("[id]")].map((e) => e.getAttribute("id"));
  expect(new Set(ids).size).toBe(ids.length);
  expect(html.replace(/http:\/\/www\.w3\.org\/[\w/]+/g, "")).not.toMatch(/(?:https?|ftp|wss?):\/\//i);
  expect(html).toContain(`http-equiv="Content-Security-Policy" content="default-src 'none';`);
  const scripts = [...dom(html).querySelectorAll("script")];
  expect(scripts.filter((s) => !s.getAttribute("type"))).toHaveLength(1);
  expect(scripts.every((s) => !s.getAttribute("type") || s.getAttribute("type") === "application/json")).toBe(
    true,
  );
}

describe("run report", () => {
  it("reads a run's files back under the input caps: an oversize summary is refused, not read", () => {
    const saved = inputLimits.runOutputBytes;
    inputLimits.runOutputBytes = 64;
    try {
      expect(() => readRunResults(run.dir)).toThrow(/run output .*(larger|over|exceeds|limit)|more than/i);
      expect(() => readRunResults(run.dir)).toThrow(InputError);
    } finally {
      inputLimits.runOutputBytes = saved;
    }
    const savedSweep = inputLimits.sweepBytes;
    inputLimits.sweepBytes = 64;
    try {
      expect(() => readSweep(SWEEP_FIXTURE)).toThrow(InputError);
    } finally {
      inputLimits.sweepBytes = savedSweep;
    }
  });

  it("draws every time-series panel with stage bands, and the utilisation bars", () => {
    const html = renderRunReport(readRunResults(run.dir));
    expectSelfContained(html);
    const doc = dom(html);
    const panels = [...doc.querySelectorAll("figure.chart")].map((f) => f.getAttribute("id"));
    expect(panels).toEqual([
      "ts-coderd-cpu",
      "ts-api-rps",
      "ts-db-cpu",
      "ts-db-writes",
      "ts-websockets",
      "ts-queues",
      "ts-busy",
      "ts-latency",
      "ts-coderd-memory",
      "utilization",
    ]);
    const cpu = doc.querySelector("#ts-coderd-cpu")!;
    // One line per replica, one band per stage, and hover data for each.
    expect(cpu.querySelectorAll('g[aria-label="line"] path')).toHaveLength(2);
    expect(cpu.querySelectorAll('g[aria-label="rect"] rect')).toHaveLength(run.summary.stages.length);
    const hover = JSON.parse(doc.getElementById("hover-ts-coderd-cpu")!.textContent!);
    expect(hover.series.map((s: { name: string }) => s.name)).toEqual(["coder-0", "coder-1"]);
    expect(hover.x).toHaveLength(run.first.metrics.series[0]!.times.length);
    const util = doc.querySelector("#utilization")!;
    const bars = util.querySelectorAll('g[aria-label="bar"]')[0]!.querySelectorAll("rect");
    expect(bars).toHaveLength(run.summary.resources.length);
    const red = [...bars].filter((r) => r.getAttribute("fill") === "#c62828");
    expect(red).toHaveLength(1);
    expect(util.textContent).toContain(`◀ bottleneck`);
    expect(util.textContent).toContain("80 %");
  });

  it("gives the sizing answer its 95 % CI over replications and 90 % prediction, and what left-out draws say", () => {
    const data = readRunResults(run.dir);
    const b = data.summary.bottleneck;
    data.summary.prediction = { draws: 6 };
    data.summary.bottleneck = {
      ...b,
      users_at_80pct: 1900,
      users_at_100pct: 2375,
      users_at_80pct_ci95: [1703, 2160],
      users_at_100pct_ci95: [2129, 2700],
      users_at_80pct_prediction: {
        low: 1315,
        high: 2706,
        level: 0.9,
        not_offered_draws: 1,
        saturated_draws: 1,
        of: 6,
      },
      users_at_100pct_prediction: {
        low: 1644,
        high: 3383,
        level: 0.9,
        not_offered_draws: 1,
        saturated_draws: 1,
        of: 6,
      },
    };
    const text = dom(renderRunReport(data)).querySelector(".callout")!.textContent;
    expect(text).toContain(
      "reach 80 % at about 1900 users (95 % CI 1703..2160 over replications; 90 % prediction 1315..2706 of the draws that offered one)" +
        " and 100 % at about 2375 users (95 % CI 2129..2700 over replications; 90 % prediction 1644..3383 of the draws that offered one)",
    );
    expect(text).toContain("1 of 6 draws saturated: the limit is below the simulated load in those.");
  });

  it("shows the scenario table only when the scenario file is what ran", () => {
    const fromDir = dom(renderRunReport(readRunResults(run.dir)));
    expect(fromDir.querySelector("#scenario-table")!.textContent).toContain("workload.users");
    expect(fromDir.querySelector("#model-table")!.textContent).toMatch(/coderd\.agent_rpc_cpu_s.*fitted/s);
    const overridden = dom(renderRunReport(readRunResults(evilRun.dir)));
    expect(overridden.querySelector("#scenario-table")!.textContent).toContain("no longer matches what ran");
    // run --report passes the resolved scenario, so overrides show.
    const file = writeRunReport(evilRun.dir, evilRun.loaded.scenario);
    const withScenario = dom(readFileSync(file, "utf8"));
    const rows = [...withScenario.querySelectorAll("#scenario-table tr")].map((tr) => tr.textContent);
    expect(rows).toContain(`name${EVIL}`);
    expect(rows).toContain("workload.users150");
  });

  it("renders a scenario name with markup as text", () => {
    const html = renderRunReport(readRunResults(evilRun.dir));
    expectSelfContained(html);
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    const doc = dom(html);
    expect(doc.querySelector("h1")!.textContent).toBe(`capsim run report: ${EVIL}`);
    expect(doc.querySelector("title")!.textContent).toBe(`capsim run report: ${EVIL}`);
  });

  it("reports broken results as bad input with positions", () => {
    const dir = join(tmp, "broken");
    writeSmallRun([], dir);
    const summary = readFileSync(join(dir, "summary.json"), "utf8").replace('"seed": 7', '"seed": "seven"');
    writeFileSync(join(dir, "summary.json"), summary);
    expect(() => readRunResults(dir)).toThrow(InputError);
    expect(() => readRunResults(dir)).toThrow(/summary\.json:\d+:\d+: seed: /);
    writeFileSync(join(dir, "summary.json"), readFileSync(join(run.dir, "summary.json")));
    writeFileSync(join(dir, "timeseries.csv"), "time_s,stage,api_rps\n0,,1\n15,prepare,lots\n");
    expect(() => readRunResults(dir)).toThrow(/timeseries\.csv:3: api_rps: expected a number, got "lots"/);
  });
});

describe("sweep report", () => {
  it("draws each figure with its CI band, one line per second parameter, bounds and the knee", () => {
    const html = renderSweepReport(readSweep(SWEEP_FIXTURE));
    expectSelfContained(html);
    const doc = dom(html);
    const rps = doc.querySelector("#sweep-figure-0")!;
    expect(rps.querySelector("figcaption")!.textContent).toBe("api_rps_median @ dashboard");
    expect(rps.querySelectorAll('g[aria-label="area"] path')).toHaveLength(2);
    // Two data lines, two bound lines.
    expect(rps.querySelectorAll('g[aria-label="line"] path')).toHaveLength(4);
    expect(rps.textContent).toMatch(/1\/D_max = 333 \(database cpu\)/);
    expect(rps.textContent).toMatch(/N\* ≈ 3340/);
    expect(rps.textContent).toContain("✕");
    const bounds = [...doc.querySelectorAll("#bounds ~ table tr")].map((tr) => tr.textContent);
    expect(bounds.some((t) => /vcpu=2.*10\.02.*database cpu.*333\.3.*3339/.test(t!))).toBe(true);
    expect(doc.querySelectorAll("figure.chart")).toHaveLength(3 + 2);
  });

  it("reads a real capsim sweep CSV: its sidecar, empty cells, knees beyond the swept range", () => {
    const file = join(ROOT, "test/fixtures/report/sweep-real-small.csv");
    const html = renderSweepReport(readSweep(file));
    expectSelfContained(html);
    const doc = dom(html);
    expect(doc.querySelector("h1")!.textContent).toBe("capsim sweep report: sweep-small, workload.users");
    expect(doc.querySelectorAll("figure.chart").length).toBe(readSweep(file).figures.length + 2);
    const bounds = [...doc.querySelectorAll("#bounds ~ table tr")].map((tr) => tr.textContent!);
    expect(bounds.filter((t) => t.includes("(beyond the sweep)"))).toHaveLength(2);
    // Knees beyond the sweep are not drawn, so the x axis stays on the swept users.
    expect(doc.querySelector("#sweep-figure-0")!.textContent).not.toContain("N* ≈");
    expect(doc.querySelector("#meta")!.textContent).toContain("grid.axes.0.path");
  });

  it("is the same bytes every time", () => {
    expect(renderSweepReport(readSweep(SWEEP_FIXTURE))).toBe(renderSweepReport(readSweep(SWEEP_FIXTURE)));
    expect(renderRunReport(readRunResults(run.dir))).toBe(renderRunReport(readRunResults(run.dir)));
  });

  it("escapes what the CSV says", () => {
    const csv = readFileSync(SWEEP_FIXTURE, "utf8").replace(
      "replication 2: simulated time limit reached before the cleanup stage ended",
      `"${EVIL.replace(/"/g, '""')} limit"`,
    );
    const file = join(tmp, "evil-sweep.csv");
    writeFileSync(file, csv);
    const html = renderSweepReport(readSweep(file));
    expect(html).not.toContain("<script>alert");
    expect(dom(html).querySelector("#points ~ table")!.textContent).toContain(`${EVIL} limit`);
  });
});

describe("compare report", () => {
  it("draws simulated against measured with the tolerance band and marks failures", () => {
    const html = renderCompareReport(readCompare(COMPARE_FIXTURE), COMPARE_FIXTURE);
    expectSelfContained(html);
    const doc = dom(html);
    const figures = [...doc.querySelectorAll("figure.chart")];
    expect(figures).toHaveLength(14);
    const failed = figures.filter((f) => f.querySelector("figcaption")!.textContent!.startsWith("FAIL"));
    expect(failed.map((f) => f.querySelector("figcaption")!.textContent)).toEqual([
      "FAIL · agent_api_latency_p90_ms @ all (ms)",
    ]);
    expect(failed[0]!.querySelector('g[aria-label="rect"]')!.getAttribute("fill")).toBe("#c62828");
    expect(failed[0]!.querySelector('g[aria-label="dot"]')!.getAttribute("fill")).toBe("#c62828");
    expect(doc.querySelector(".callout")!.textContent).toContain("13 of 14 figures within tolerance");
  });

  it("centres the tolerance band on the simulated mean, as capsim compare judges", () => {
    const data = readCompare(COMPARE_FIXTURE);
    const row = data.rows.find((r) => r.metric === "coderd_cpu_vcpu_median")!;
    const mean = row.simulated.mean!;
    expect(toleranceBand(row)).toEqual([mean * 0.75, mean * 1.25]);
    expect(toleranceBand({ ...row, tolerance: { relative: 0.1, absolute: 1 } })).toEqual([
      mean - 1,
      mean + 1,
    ]);
    expect(toleranceBand({ ...row, simulated: { mean: null, ci95: null } })).toBeNull();
    // A measured range is drawn as a bar between its ends.
    const ranged = { ...data, rows: [{ ...row, measured: { range: [2.5, 3.5] as [number, number] } }] };
    const fig = dom(renderCompareReport(ranged, COMPARE_FIXTURE)).querySelector("figure.chart")!;
    expect(fig.textContent).toContain("measured 2.5 .. 3.5");
    expect(fig.querySelectorAll('g[aria-label="rect"] rect')).toHaveLength(2);
    expect(fig.querySelectorAll('g[aria-label="rule"] line').length).toBeGreaterThanOrEqual(4);
  });

  it("escapes every string and rejects a malformed comparison with its position", () => {
    const data = JSON.parse(readFileSync(COMPARE_FIXTURE, "utf8"));
    data.rows[0].metric = EVIL;
    data.rows[1].note = EVIL;
    data.scenario = EVIL;
    const file = join(tmp, "evil-compare.json");
    writeFileSync(file, JSON.stringify(data, null, 2));
    const html = renderCompareReport(readCompare(file), file);
    expect(html).not.toContain("<script>alert");
    expect(dom(html).querySelector(".subtitle")!.textContent).toContain(`scenario ${EVIL}`);
    data.rows[2].verdict = "maybe";
    writeFileSync(file, JSON.stringify(data, null, 2));
    expect(() => readCompare(file)).toThrow(/evil-compare\.json:\d+:\d+: rows\.2\.verdict: /);
  });
});

describe("capsim report", () => {
  it("tells the three inputs apart and puts the report beside them", () => {
    expect(detectReportInput(run.dir)).toEqual({ kind: "run", path: run.dir });
    expect(detectReportInput(join(run.dir, "summary.json"))).toEqual({ kind: "run", path: run.dir });
    expect(detectReportInput(SWEEP_FIXTURE).kind).toBe("sweep");
    expect(detectReportInput(COMPARE_FIXTURE).kind).toBe("compare");
    expect(defaultReportPath({ kind: "run", path: run.dir })).toBe(join(run.dir, "report.html"));
    expect(defaultReportPath({ kind: "sweep", path: "/a/b.csv" })).toBe("/a/b.html");
    expect(() => detectReportInput(join(tmp, "nope"))).toThrow(/nope: cannot read/);
    const yaml = join(tmp, "x.yaml");
    writeFileSync(yaml, "a: 1\n");
    expect(() => detectReportInput(yaml)).toThrow(/expected a results directory/);
  });

  it("writes the report, and exits 2 on bad input", () => {
    const sweepCopy = join(tmp, "copy.csv");
    copyFileSync(SWEEP_FIXTURE, sweepCopy);
    expect(writeReport(sweepCopy)).toEqual({ kind: "sweep", file: join(tmp, "copy.html") });
    expect(existsSync(join(tmp, "copy.html"))).toBe(true);
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [CAPSIM_MAIN, "report", ...args], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const out = join(tmp, "cli.html");
    const ok = cli([COMPARE_FIXTURE, "-o", out]);
    expect(ok.stderr).toContain(`wrote compare report ${out}`);
    expect(ok.status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("capsim comparison");
    const bad = cli([SWEEP_FIXTURE, "--x", "nope", "-o", out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--x: "nope" is not a varied parameter');
  });

  it("does not write the report it places itself through a symbolic link (a folder handed over may hold one)", () => {
    const folder = join(tmp, "handed-over");
    mkdirSync(folder);
    const sweep = join(folder, "sweep.csv");
    copyFileSync(SWEEP_FIXTURE, sweep);
    const kept = join(tmp, "bashrc");
    writeFileSync(kept, "keep me\n");
    symlinkSync(kept, join(folder, "sweep.html"));
    expect(() => writeReport(sweep)).toThrow(/sweep\.html: is a symbolic link/);
    expect(readFileSync(kept, "utf8")).toBe("keep me\n");
    // Named with -o, the place is the user's choice.
    expect(writeReport(sweep, join(folder, "sweep.html")).file).toBe(join(folder, "sweep.html"));
  });
});
