import { beforeAll, describe, expect, it } from "vitest";
import { QUEUE_POSITION_POINTS, queuePositionId } from "../../src/measuredb/buildStatementsModern.js";
import { type MeasureDbResult, runMeasureDb } from "../../src/measuredb/runMeasureDb.js";
import { postgresAvailable } from "../helpers/postgres.js";

const found = await postgresAvailable();

const [small, large] = QUEUE_POSITION_POINTS.map(queuePositionId) as [string, string];
const CLASSES = [small, large, "build_acquire_empty", "agent_lifecycle_update"];

describe.skipIf(!found)("measure-db's v2.2x build statements against a real PostgreSQL", () => {
  let result: MeasureDbResult;

  beforeAll(async () => {
    result = await runMeasureDb({
      volume: { workspaces: 100, statsHistoryMinutes: 5, logLinesPerJob: 5 },
      durationSeconds: 4,
      batches: 2,
      only: CLASSES,
      log: () => {},
    });
  }, 120_000);

  const by = (id: string) => result.results.find((r) => r.cls.id === id)!;
  const cpu = (id: string) => (by(id).backendCpuSeconds ?? by(id).cpuSeconds).mean;

  it("finds no job in the Acquirer's empty acquire, and writes one agent row per lifecycle report", () => {
    expect(by("build_acquire_empty").rows).toBe(0);
    expect(by("agent_lifecycle_update").rows).toBe(1);
  });

  it("ranks pending jobs against online daemons: ten times the pending jobs costs several times more", () => {
    // One row back (the new job with its position) whatever the queue; the work grows with the pairs ranked.
    expect(by(small).rows).toBe(1);
    expect(by(large).rows).toBe(1);
    expect(cpu(large)).toBeGreaterThan(5 * cpu(small));
  });
});
