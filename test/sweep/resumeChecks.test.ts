import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { sealRow } from "../../src/sweep/columns.js";
import { csvLine, readSweepCsv } from "../../src/sweep/csvFile.js";
import type { PointOutcome } from "../../src/sweep/evaluate.js";
import { lockPath } from "../../src/sweep/lock.js";
import type { LoadedPoint, SweepBase } from "../../src/sweep/pointScenario.js";
import { runSweep, type SweepOptions } from "../../src/sweep/runSweep.js";
import type { PointRunner } from "../../src/sweep/workerPool.js";
import { replayRunner, smallSweep } from "../helpers/replaySweep.js";

const dir = mkdtempSync(join(tmpdir(), "capsim-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let base: SweepBase;
let points: LoadedPoint[];
let outcome: PointOutcome;

/** One real simulation, reused for every point. */
const fastRunner = (seen: number[] = []): PointRunner => replayRunner(() => outcome, seen);

beforeAll(() => {
  ({ base, points, outcome } = smallSweep("workload.users=20,30,40,50"));
});

function options(outPath: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return {
    base,
    points,
    shard: null,
    replications: 1,
    seed: 1,
    outPath,
    resume: false,
    overwrite: false,
    runner: fastRunner(),
    ...extra,
  };
}

const lines = (path: string) => readFileSync(path, "utf8").trimEnd().split("\n");

describe("sweep --resume checks every kept row", () => {
  it("drops and re-runs an edited row, a row of another scenario and a torn last row, saying why", async () => {
    const out = join(dir, "checked.csv");
    await runSweep(options(out));
    const csv = readSweepCsv(out);
    const mean = csv.header.findIndex((h) => h.endsWith(":mean"));
    const [header, ...rows] = lines(out);
    // Point 1: a figure edited by hand.
    const edited = [...csv.rows.get(1)!];
    edited[mean] = "999";
    // Point 2: a row computed for another scenario (its hash sealed correctly, but not this point's).
    const foreign = sealRow(csv.rows.get(2)!.slice(0, -2), "f".repeat(64));
    writeFileSync(
      out,
      [header, rows[0], csvLine(edited).trimEnd(), csvLine(foreign).trimEnd(), rows[3]].join("\n") + "\n",
    );
    // A crash mid-append: half a row, no end of line.
    appendFileSync(out, rows[3]!.slice(0, 20));

    const seen: number[] = [];
    const notes: string[] = [];
    const result = await runSweep(
      options(out, { resume: true, runner: fastRunner(seen), onNote: (m) => notes.push(m) }),
    );
    expect(seen.sort()).toEqual([1, 2]);
    expect(result).toMatchObject({ skipped: 2, ran: 2, written: 4 });
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/dropped 3 row\(s\)/);
    expect(notes[1]).toBe("resume: 2 of 4 points done before, 2 to run");
    expect(notes[0]).toMatch(/point 1: edited/);
    expect(notes[0]).toMatch(/point 2: computed for another scenario/);
    expect(notes[0]).toMatch(/line 6: torn/);
    // The file is whole again: every row verifies.
    expect(lines(out)).toHaveLength(5);
    const again: string[] = [];
    await runSweep(options(out, { resume: true, onNote: (m) => again.push(m) }));
    expect(again).toEqual(["resume: 4 of 4 points done before, 0 to run"]);
  });

  it("drops a line mangled in the middle of the file (an open quote), not the whole file", async () => {
    const out = join(dir, "mangled.csv");
    await runSweep(options(out));
    const all = lines(out);
    all[2] = all[2]!.replace(",", ',"x');
    writeFileSync(out, `${all.join("\n")}\n`);
    const seen: number[] = [];
    const notes: string[] = [];
    await runSweep(options(out, { resume: true, runner: fastRunner(seen), onNote: (m) => notes.push(m) }));
    expect(seen).toEqual([1]);
    expect(notes[0]).toMatch(/dropped 1 row\(s\) .*\(line 3: not a CSV record: Quote Not Closed/);
  });

  it("refuses a sidecar of a different sweep instead of mixing its rows", async () => {
    const out = join(dir, "other.csv");
    await runSweep(options(out));
    const other = { ...options(out, { resume: true }), seed: 2 };
    await expect(runSweep(other)).rejects.toThrow(
      /other\.csv\.meta\.json:\d+:\d+: seed: cannot resume: this is a different sweep .*: 1 here, 2 in this run/,
    );
  });
});

describe("sweep lock", () => {
  it("refuses a second sweep on the same --out while the first holds it, naming its pid", async () => {
    const out = join(dir, "locked.csv");
    writeFileSync(
      lockPath(out),
      JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-01-01T00:00:00Z" }),
    );
    const error = await runSweep(options(out)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(existsSync(out)).toBe(false);
    rmSync(lockPath(out));
  });

  it("two sweeps started together: one runs, the other is refused", async () => {
    const out = join(dir, "race.csv");
    const results = await Promise.allSettled([runSweep(options(out)), runSweep(options(out))]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(existsSync(lockPath(out))).toBe(false);
    expect(readSweepCsv(out).rows.size).toBe(4);
  });

  it("takes over the lock of a process that is gone", async () => {
    const out = join(dir, "stale.csv");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    writeFileSync(
      lockPath(out),
      JSON.stringify({ pid: Number(dead.stdout), host: hostname(), started: "x" }),
    );
    const notes: string[] = [];
    const result = await runSweep(options(out, { onNote: (m) => notes.push(m) }));
    expect(result.written).toBe(4);
    expect(notes).toEqual([
      `took over the lock of pid ${dead.stdout} on ${hostname()}, since x: that process is gone`,
    ]);
    expect(existsSync(lockPath(out))).toBe(false);
  });
});
