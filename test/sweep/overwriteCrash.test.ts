import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PointOutcome } from "../../src/sweep/evaluate.js";
import type { LoadedPoint, SweepBase } from "../../src/sweep/pointScenario.js";
import { runSweep, type SweepOptions } from "../../src/sweep/runSweep.js";
import type { PointRunner } from "../../src/sweep/workerPool.js";
import { replayRunner, smallSweep } from "../helpers/replaySweep.js";

// The process dies right after --overwrite wrote the new sidecar: the CSV write that follows fails here.
const crash = vi.hoisted(() => ({ csv: false }));
vi.mock("../../src/output/atomicFile.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/output/atomicFile.js")>();
  return {
    ...original,
    writeFileAtomic: (path: string, content: string | Uint8Array) => {
      if (crash.csv && path.endsWith(".csv")) throw new Error("killed");
      original.writeFileAtomic(path, content);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "capsim-overwrite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let base: SweepBase;
let points: LoadedPoint[];
let outcome: PointOutcome;

/** One real simulation, reused for every point. */
const runner = (seen: number[] = []): PointRunner => replayRunner(() => outcome, seen);

beforeAll(() => {
  ({ base, points, outcome } = smallSweep("workload.users=20,30,40"));
});

const options = (seed: number, seen: number[], extra: Partial<SweepOptions> = {}): SweepOptions => ({
  base,
  points,
  shard: null,
  replications: 1,
  seed,
  outPath: join(dir, "sweep.csv"),
  resume: false,
  overwrite: false,
  runner: runner(seen),
  ...extra,
});

describe("sweep --overwrite killed between its writes", () => {
  it("never leaves the old sweep's rows for a --resume to pass off as the new one's", async () => {
    await runSweep(options(1, []));
    crash.csv = true;
    await expect(runSweep(options(2, [], { overwrite: true }))).rejects.toThrow("killed");
    crash.csv = false;
    // Another seed keeps every point's scenario hash: only the file's state can tell the rows apart.
    const seen: number[] = [];
    await runSweep(options(2, seen, { resume: true }));
    expect(seen.sort()).toEqual([0, 1, 2]);
  });
});
