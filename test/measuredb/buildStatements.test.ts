import { beforeAll, describe, expect, it } from "vitest";
import { BUILD_POOL, BUILD_STATE_BYTES } from "../../src/measuredb/buildStatements.js";
import { type MeasureDbResult, runMeasureDb } from "../../src/measuredb/runMeasureDb.js";
import { postgresAvailable } from "../helpers/postgres.js";

const found = await postgresAvailable();

const CLASSES = ["build_acquire_job", "build_insert_build", "build_update_state"];

describe.skipIf(!found)("measure-db's build statements against a real PostgreSQL", () => {
  let result: MeasureDbResult;

  beforeAll(async () => {
    result = await runMeasureDb({
      volume: { workspaces: 100, statsHistoryMinutes: 5, logLinesPerJob: 5 },
      durationSeconds: 6,
      batches: 3,
      only: CLASSES,
      log: () => {},
    });
  }, 120_000);

  const by = (id: string) => result.results.find((r) => r.cls.id === id)!;

  it("acquires a pending job and inserts a build on every execution (the pools never run dry)", () => {
    for (const id of ["build_acquire_job", "build_insert_build"]) {
      // pg_stat_statements rows per call: 1 when the UPDATE found a pending job / the INSERT wrote its row.
      expect(by(id).rows, id).toBe(1);
      expect(by(id).executionsPerBatch, id).toBeLessThan(BUILD_POOL);
      expect((by(id).backendCpuSeconds ?? by(id).cpuSeconds).mean, id).toBeGreaterThan(0);
    }
  });

  it("writes the terraform state to the WAL, compressed but not to nothing", () => {
    const wal = by("build_update_state").walBytes.mean;
    expect(wal).toBeGreaterThan(BUILD_STATE_BYTES / 2);
    expect(wal).toBeLessThan(BUILD_STATE_BYTES * 2);
  });
});
