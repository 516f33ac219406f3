import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluateFigures } from "../../src/figures/evaluate.js";
import { resolveWindows } from "../../src/figures/windows.js";
import { readMeasuredFile } from "../../src/measured/read.js";
import { readScrapeDirectory } from "../../src/measured/scrapeDir.js";
import { isTsdbDump, readTsdbDump } from "../../src/measured/tsdbDump.js";
import type { SeriesSet } from "../../src/series/types.js";
import { syntheticSet, toOpenMetrics } from "../figures/synthetic.js";
import { inputErrorOf } from "./fixtures.js";

const T0 = 1709287200;
const dir = mkdtempSync(join(tmpdir(), "capsim-readers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True when `tool` runs; skips (with the reason printed) unless CAPSIM_REQUIRE_TOOLS=1, which fails. */
function haveTool(tool: string): boolean {
  const ok = spawnSync(tool, ["--version"], { encoding: "utf8" }).status === 0;
  if (!ok && process.env.CAPSIM_REQUIRE_TOOLS === "1")
    throw new Error(`${tool} is required (CAPSIM_REQUIRE_TOOLS=1) but not installed`);
  if (!ok) console.warn(`skipping: ${tool} is not installed`);
  return ok;
}

describe("promtool tsdb dump output", () => {
  it("reads dump lines: Go-quoted labels, millisecond timestamps", () => {
    const text =
      '{__name__="bar"} 2.5 1709287200000\n{__name__="foo_total", path="/x \\"y\\"", pod="a"} 5 1709287215500\n';
    expect(isTsdbDump(text)).toBe(true);
    expect(readTsdbDump(text, "dump.txt")).toEqual([
      { labels: { __name__: "bar" }, times: [T0], values: [2.5] },
      { labels: { __name__: "foo_total", path: '/x "y"', pod: "a" }, times: [T0 + 15.5], values: [5] },
    ]);
    expect(inputErrorOf(() => readTsdbDump('{__name__="a"} 1 1\n{__name__="b"} x 2\n', "d.txt"))).toMatch(
      /^d\.txt:2:\d+: value "x" is not a number/,
    );
  });

  it.runIf(haveTool("promtool"))(
    "reads what the real promtool dumps from blocks of an OpenMetrics export",
    () => {
      const set = syntheticSet();
      const om = join(dir, "sim.om");
      // Block times must be recent enough for promtool: shift the synthetic 0..1800 s to T0.
      const shifted: SeriesSet = {
        series: set.series.map((s) => ({ ...s, times: Array.from(s.times, (t) => t + T0) })),
      };
      writeFileSync(om, toOpenMetrics(shifted));
      const blocks = join(dir, "blocks");
      const made = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", om, blocks], {
        encoding: "utf8",
      });
      expect(made.status, made.stderr).toBe(0);
      mkdirSync(join(blocks, "wal"), { recursive: true });
      const dump = spawnSync("promtool", ["tsdb", "dump", blocks], { encoding: "utf8", maxBuffer: 1 << 28 });
      expect(dump.status, dump.stderr).toBe(0);
      const file = join(dir, "dump.txt");
      writeFileSync(file, dump.stdout);
      const data = readMeasuredFile(file);
      expect(data.format).toBe("promtool-dump");
      expect(data.series!.series).toHaveLength(set.series.length);
      const cpu = data.series!.series.find(
        (s) => s.labels.__name__ === "container_cpu_usage_seconds_total" && s.labels.pod === "coder-1",
      )!;
      const want = set.series.find(
        (s) => s.labels.__name__ === "container_cpu_usage_seconds_total" && s.labels.pod === "coder-1",
      )!;
      expect(Array.from(cpu.values)).toEqual(Array.from(want.values));
      expect(cpu.times[1]! - cpu.times[0]!).toBe(15);
      // The same figures from the dump as from the series it was made of.
      const figuresOf = (d: SeriesSet) =>
        evaluateFigures(d, resolveWindows(d).windows).map((f) => [f.name, f.stage, f.value]);
      expect(figuresOf(data.series!)).toEqual(figuresOf(shifted));
    },
  );
});

describe("a directory of raw scrapes", () => {
  it("reads each file as a scrape of the target its directory names, at the time its name says", () => {
    const root = join(dir, "scrapes");
    const target = join(root, "job=coder,pod=coder-0");
    mkdirSync(target, { recursive: true });
    writeFileSync(
      join(target, "2024-03-01T10:00:00Z.prom"),
      "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 100\n",
    );
    writeFileSync(join(target, "2024-03-01T10-00-15Z.prom"), "process_cpu_seconds_total 145\n");
    writeFileSync(
      join(root, "other.prom"),
      `# capsim-scrape-time: ${T0 + 15}\n# capsim-target: job="coder",pod="coder-1"\nprocess_cpu_seconds_total 7\n`,
    );
    const series = readScrapeDirectory(root);
    expect(series).toEqual([
      {
        labels: { job: "coder", pod: "coder-0", __name__: "process_cpu_seconds_total" },
        times: [T0, T0 + 15],
        values: [100, 145],
      },
      {
        labels: { job: "coder", pod: "coder-1", __name__: "process_cpu_seconds_total" },
        times: [T0 + 15],
        values: [7],
      },
    ]);
    expect(readMeasuredFile(root).format).toBe("scrape-directory");
  });

  it("refuses a scrape without a time or a target, saying how to name it", () => {
    const root = join(dir, "unnamed");
    mkdirSync(join(root, "job=coder"), { recursive: true });
    writeFileSync(join(root, "job=coder", "latest.prom"), "x 1\n");
    writeFileSync(join(root, "1709287200.prom"), "x 1\n");
    const message = inputErrorOf(() => readScrapeDirectory(root));
    expect(message).toContain("1709287200.prom: no target: a scrape directory holds");
    expect(message).toContain("latest.prom: no scrape time: a scrape directory holds");
  });
});
