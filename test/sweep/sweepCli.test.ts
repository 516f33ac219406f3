import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Worker threads load compiled JS, so these tests drive the built CLI (`npm test` builds first).
const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const SCENARIO = join(ROOT, "test/fixtures/sweep/small.yaml");
const GRID = ["--vary", "workload.users=20..80:20", "--vary", "deployment.coderd.replicas=1,2"];

let dir: string;

function capsim(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env, CI: "true" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sweep(out: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}) {
  return capsim(["sweep", SCENARIO, ...GRID, "--out", join(dir, out), ...extra], env);
}

const read = (name: string) => readFileSync(join(dir, name), "utf8");
const dataRows = (csv: string) => csv.trimEnd().split("\n").slice(1);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: build first (npx tsc -p tsconfig.build.json)`);
  dir = mkdtempSync(join(tmpdir(), "capsim-sweep-"));
  const r = sweep("full.csv", ["--jobs", "1"]);
  expect(r.stderr).toContain("wrote 8 of 8 points");
  expect(r.code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("capsim sweep", () => {
  it("writes one ok row per point in grid order, with the documented columns", () => {
    const csv = read("full.csv");
    const header = csv.split("\n")[0]!.split(",");
    expect(header.slice(0, 4)).toEqual([
      "point",
      "param:workload.users",
      "param:deployment.coderd.replicas",
      "coderd_cpu_vcpu_median@all:mean",
    ]);
    expect(header).toContain("api_rps_median@dashboard:ci95_hi");
    expect(header).toContain("util:coderd-1 cpu");
    expect(header.slice(-6)).toEqual([
      "bottleneck",
      "bottleneck_utilization",
      "status",
      "error",
      "scenario_sha256",
      "row_sha256",
    ]);
    const rows = dataRows(csv).map((l) => l.split(","));
    expect(rows.map((r) => r[0])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(rows.map((r) => `${r[1]}/${r[2]}`).slice(0, 3)).toEqual(["20/1", "20/2", "40/1"]);
    expect(rows.every((r) => r.at(-4) === "ok" && r.at(-3) === "")).toBe(true);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.at(-2)!) && /^[0-9a-f]{64}$/.test(r.at(-1)!))).toBe(
      true,
    );
    // One replica has no coderd-1: its cell is empty, not zero.
    const c1 = header.indexOf("util:coderd-1 cpu");
    expect(rows[0]![c1]).toBe("");
    expect(Number(rows[1]![c1])).toBeGreaterThan(0);
    const meta = JSON.parse(read("full.csv.meta.json"));
    expect(meta.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(meta.grid.points).toBe(8);
    expect(meta.grid.axes[0]).toEqual({ path: "workload.users", values: [20, 40, 60, 80] });
    expect(meta.replications).toBe(2);
    expect(meta.shard).toBeNull();
  });

  it("gives the same bytes with --jobs 1 and --jobs 2", () => {
    expect(sweep("jobs2.csv", ["--jobs", "2"]).code).toBe(0);
    expect(read("jobs2.csv")).toBe(read("full.csv"));
    expect(read("jobs2.csv.meta.json")).toBe(read("full.csv.meta.json"));
  });

  it("shards 1/2 and 2/2, merged, equal the unsharded sweep", () => {
    expect(sweep("s1.csv", ["--shard", "1/2"]).code).toBe(0);
    // The second shard as a Kubernetes Indexed Job pod would run it.
    expect(sweep("s2.csv", ["--shard-from-env", "--shards", "2"], { JOB_COMPLETION_INDEX: "1" }).code).toBe(
      0,
    );
    expect(dataRows(read("s1.csv")).map((l) => l.split(",")[0])).toEqual(["0", "2", "4", "6"]);
    const merged = capsim(["merge", join(dir, "s2.csv"), join(dir, "s1.csv"), "-o", join(dir, "merged.csv")]);
    expect(merged.code).toBe(0);
    expect(read("merged.csv")).toBe(read("full.csv"));
    expect(read("merged.csv.meta.json")).toBe(read("full.csv.meta.json"));
  });

  it("merge lists missing and duplicated points, and refuses a different sweep (exit 2)", () => {
    expect(existsSync(join(dir, "s1.csv"))).toBe(true);
    const missing = capsim(["merge", join(dir, "s1.csv"), "-o", join(dir, "bad.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("4 of 8 points missing: 1, 3, 5, 7 (a shard not given, or not finished");
    const twice = capsim([
      "merge",
      join(dir, "s1.csv"),
      join(dir, "s1.csv"),
      join(dir, "s2.csv"),
      "-o",
      join(dir, "bad.csv"),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/point 0 appears 2 times/);
    expect(
      sweep("other.csv", ["--shard", "2/2", "--set", "workload.agent.metadata.interval_s=20"]).code,
    ).toBe(0);
    const other = capsim(["merge", join(dir, "s1.csv"), join(dir, "other.csv"), "-o", join(dir, "bad.csv")]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/other\.csv\.meta\.json:\d+:\d+: scenario\.sha256: not the same sweep: /);
    expect(existsSync(join(dir, "bad.csv"))).toBe(false);
  });

  it("refuses bad values before running anything, and an existing file without --resume", () => {
    const bad = capsim(["sweep", SCENARIO, "--vary", "workload.users=10,-5", "--out", join(dir, "neg.csv")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--vary workload\.users=-5: workload\.users: /m);
    expect(existsSync(join(dir, "neg.csv"))).toBe(false);
    const again = sweep("full.csv");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--resume");
    const otherGrid = capsim([
      "sweep",
      SCENARIO,
      "--vary",
      "workload.users=20,40",
      "--out",
      join(dir, "full.csv"),
      "--resume",
    ]);
    expect(otherGrid.code).toBe(2);
    expect(otherGrid.stderr).toMatch(
      /full\.csv\.meta\.json:\d+:\d+: grid\.axes: cannot resume: this is a different sweep/,
    );
  });
});

/** Starts a sweep, waits until `rows` rows are on disk, then sends `signal`. */
async function interruptAfter(out: string, rows: number, signal: NodeJS.Signals): Promise<number | null> {
  const path = join(dir, out);
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, "sweep", SCENARIO, ...GRID, "--jobs", "1", "--out", path],
    {
      cwd: dir,
      env: { ...process.env, CI: "true" },
      stdio: "ignore",
    },
  );
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code, sig) => done(code ?? (sig ? -1 : null))),
  );
  for (;;) {
    const text = existsSync(path) ? readFileSync(path, "utf8") : "";
    if (dataRows(text).length >= rows) break;
    if (child.exitCode !== null) throw new Error("sweep finished before it could be interrupted");
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(signal);
  return exited;
}

describe("interrupted sweeps", () => {
  it("Ctrl-C leaves a valid sorted CSV of the finished rows (exit 130), and --resume completes it", async () => {
    const code = await interruptAfter("int.csv", 2, "SIGINT");
    expect(code).toBe(130);
    const partial = dataRows(read("int.csv"));
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(partial.length).toBeLessThan(8);
    const fullRows = dataRows(read("full.csv"));
    // Each finished row is exactly the row the full sweep has for that point.
    for (const row of partial) expect(fullRows).toContain(row);
    const resumed = sweep("int.csv", ["--resume", "--jobs", "2"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/kept from before/);
    expect(read("int.csv")).toBe(read("full.csv"));
  });

  it("a killed sweep (no chance to tidy up) resumes to the same CSV", async () => {
    await interruptAfter("kill.csv", 2, "SIGKILL");
    const resumed = sweep("kill.csv", ["--resume"]);
    expect(resumed.code).toBe(0);
    expect(read("kill.csv")).toBe(read("full.csv"));
  });
});
