import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CAPSIM_MAIN } from "../helpers/cli.js";
import { validateOpenMetrics } from "./openMetricsValidator.js";
import { ROOT, SMALL_RUN } from "./runFixture.js";

const dir = mkdtempSync(join(tmpdir(), "capsim-run-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const capsim = (args: string[]) =>
  spawnSync(process.execPath, [CAPSIM_MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

describe("capsim run --report --openmetrics", () => {
  it("writes report.html with the resolved scenario and a valid OpenMetrics file", () => {
    const om = join(dir, "sim.om");
    const r = capsim([
      "run",
      SMALL_RUN,
      "--replications",
      "1",
      "--set",
      "workload.users=120",
      "--out",
      dir,
      "--no-progress",
      "--report",
      "--openmetrics",
      om,
      "--openmetrics-start",
      "2025-01-02T03:04:05Z",
    ]);
    expect(r.stderr).toContain(`wrote ${join(dir, "report.html")}`);
    expect(r.status).toBe(0);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain('<td>workload.users</td><td class="wrap">120</td>');
    const text = readFileSync(om, "utf8");
    expect(validateOpenMetrics(text)).toEqual([]);
    expect(text).toContain(`scenario="small-run"`);
    expect(text).toMatch(/^capsim_agents_connected\{[^}]*\} \d+ 1735787045$/m);
  });

  it("refuses a bad --openmetrics-start before simulating", () => {
    const r = capsim([
      "run",
      SMALL_RUN,
      "--out",
      dir,
      "--openmetrics",
      join(dir, "x.om"),
      "--openmetrics-start",
      "soon",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--openmetrics-start: expected an RFC 3339 time such as 2024-03-01T00:00:00Z, got "soon"',
    );
  });
});
