import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputLimits } from "../../src/input/limits.js";
import { parseSweepCsv, readCompare, readSweep } from "../../src/report/html/index.js";

// A sweep CSV or a comparison handed to `capsim report` by someone else: bounded before it is parsed or drawn.
const HEADER = "point,param:workload.users,api_rps_median@dashboard:mean,util:db,status";
const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i},${i / 2},0.5,ok`).join("\n");

describe("sweep report input limits", () => {
  it("refuses more points than a grid has at the first one too many, without parsing the rest", () => {
    // 10^6 rows took over 2 minutes and 3 GB before (grouping copied its list at every point).
    const text = `${HEADER}\n${rows(1_000_000)}\n`;
    const started = Date.now();
    expect(() => parseSweepCsv(text, "big.csv")).toThrow(/^big\.csv:10002: more than 10000 points/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a header too wide to draw, a column name or parameter too long to label, a huge record", () => {
    const wide = ["point", "param:x", ...Array.from({ length: 2000 }, (_, i) => `m${i}@all:mean`)];
    expect(() => parseSweepCsv(`${wide.join(",")}\n`, "wide.csv")).toThrow(/^wide\.csv:1: too many columns/);
    const name = `param:${"x".repeat(300)}`;
    expect(() => parseSweepCsv(`point,${name}\n0,1\n`, "name.csv")).toThrow(/^name\.csv:1: column 2's name/);
    expect(() => parseSweepCsv(`${HEADER}\n0,${"9".repeat(300)},1,0.5,ok\n`, "label.csv")).toThrow(
      /^label\.csv:2: param:workload\.users: longer than 200 characters/,
    );
    const huge = `point,param:x,status,error\n0,1,error,${"A".repeat(2 << 20)}\n`;
    expect(() => parseSweepCsv(huge, "huge.csv")).toThrow(/^huge\.csv:2: malformed CSV: Max Record Size/);
  });

  it("refuses a sidecar nested too deep to show at its line and column (it overflowed the stack, exit 1)", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-report-deep-"));
    const csv = join(dir, "deep.csv");
    writeFileSync(csv, `${HEADER}\n${rows(2)}\n`);
    writeFileSync(`${csv}.meta.json`, `{"x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(() => readSweep(csv)).toThrow(/deep\.csv\.meta\.json:1:\d+: nested deeper than 64 levels/);
    rmSync(dir, { recursive: true });
  });

  it("reads a file saved with a byte-order mark and CRLF line ends (Excel's CSV UTF-8)", () => {
    const text = `\ufeff${HEADER}\r\n${rows(3).replace(/\n/g, "\r\n")}\r\n`;
    const table = parseSweepCsv(text, "excel.csv");
    expect(table.points.map((p) => p.point)).toEqual(["0", "1", "2"]);
    expect(table.params).toEqual(["workload.users"]);
  });
});

describe("comparison report input limits", () => {
  const row = {
    metric: "m",
    stage: null,
    simulated: { mean: 1, ci95: [0, 2] },
    measured: { value: 1 },
    tolerance: { relative: 0.1 },
    error: 0,
    verdict: "pass",
  };

  it("reads a comparison as a bounded regular file (it was read whole: /dev/zero took 5 GB, a pipe hung)", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-report-compare-"));
    const file = join(dir, "c.json");
    writeFileSync(file, JSON.stringify({ rows: Array(20).fill(row) }));
    const cap = inputLimits.runOutputBytes;
    inputLimits.runOutputBytes = 1024;
    try {
      expect(() => readCompare(file)).toThrow(/c\.json: comparison file too large/);
    } finally {
      inputLimits.runOutputBytes = cap;
    }
    expect(() => readCompare(dir)).toThrow(/cannot read: a directory, not a regular file/);
    writeFileSync(file, JSON.stringify({ rows: Array(1001).fill(row) }));
    expect(() => readCompare(file)).toThrow(
      /c\.json:1:\d+: rows: Too big: expected array to have <=1000 items/,
    );
    rmSync(dir, { recursive: true });
  });
});
