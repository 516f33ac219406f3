import { beforeAll, describe, expect, it } from "vitest";
import { type MeasureDbResult, runMeasureDb } from "../../src/measuredb/runMeasureDb.js";
import { buildKey } from "../../src/measuredb/schema.js";
import { postgresAvailable } from "../helpers/postgres.js";

const found = await postgresAvailable();

// The agent authentication texts (docs/model.md, "Agent authentication at v2.8") on data with one build per
// workspace (the 2000-user test's new workspaces) and with ten (a history): each finds the latest build's
// agent by its token, one row per call, whatever the history.
const CLASSES = [
  "agent_and_owner_by_token",
  "agent_and_owner_by_token_subselects",
  "agent_and_latest_build_by_token",
];

describe("build keys", () => {
  it("keep the ids of earlier measurements up to 9 builds and never collide beyond", () => {
    expect(buildKey(7, 3, 3)).toBe(73);
    const keys = new Set<number>();
    for (let w = 1; w <= 50; w++) for (let b = 1; b <= 10; b++) keys.add(buildKey(w, b, 10));
    expect(keys.size).toBe(500);
  });
});

describe.skipIf(!found)("measure-db's agent authentication at 1 and 10 builds per workspace", () => {
  const results: Record<number, MeasureDbResult> = {};

  beforeAll(async () => {
    for (const builds of [1, 10]) {
      results[builds] = await runMeasureDb({
        volume: { workspaces: 100, statsHistoryMinutes: 2, logLinesPerJob: 2, buildsPerWorkspace: builds },
        durationSeconds: 3,
        batches: 2,
        only: CLASSES,
        log: () => {},
      });
    }
  }, 180_000);

  it("loads the builds asked for, an agent per start build, the latest a start", () => {
    expect(results[1]!.rows.workspace_builds).toBe(100);
    expect(results[1]!.rows.workspace_agents).toBe(100);
    expect(results[10]!.rows.workspace_builds).toBe(1000);
    expect(results[10]!.rows.workspace_agents).toBe(500);
  });

  it("every text returns the token's agent (one row per call) and costs positive CPU", () => {
    for (const builds of [1, 10]) {
      for (const id of CLASSES) {
        const r = results[builds]!.results.find((x) => x.cls.id === id)!;
        expect(r.rows, `${id} at ${builds} builds`).toBe(1);
        expect((r.backendCpuSeconds ?? r.cpuSeconds).mean, id).toBeGreaterThan(0);
      }
    }
  });
});
