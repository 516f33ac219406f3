import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  buildEraFor,
  emptyAcquires,
  HEARTBEAT_STATEMENTS,
  LOG_FLUSH_STATEMENTS,
  queuePositionPairs,
} from "../../src/model/buildWork.js";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import type { Step } from "../../src/model/requestPipeline.js";
import { repoRoot } from "./helpers.js";

const statementsOf = (steps: readonly Step[]) =>
  steps.reduce((n, s) => n + (s.kind === "query" && s.perRowSeconds === undefined ? s.statements : 0), 0);
const catalogAt = (model: ModelFile, version: string) =>
  buildRequestCatalog(model, mechanismsFor(version, model), { pgCoordinator: false, coderVersion: version });

describe("builds' database work of newer coderd (issue 12, PR #20575)", () => {
  const model = loadModel("coder-v2.8").model;
  const b = model.builds!;

  it("counts from Coder's source: dbauthz's fetches on top of v2.8's statements, v2.20's extras, the agent's start-up", () => {
    // UpdateJob: the job lookup, dbauthz's build-by-job and workspace, the update; a flush adds insert and NOTIFY.
    expect(HEARTBEAT_STATEMENTS).toBe(1 + 2 + 1);
    expect(LOG_FLUSH_STATEMENTS).toBe(HEARTBEAT_STATEMENTS + 2);
    expect(b.create_statements.value).toBe(17 + 9);
    expect(b.acquire_statements.value).toBe(14 + 3);
    expect(b.complete_start_statements.value).toBe(22 + 6);
    expect(b.complete_stop_statements.value).toBe(12 + 6);
    // Connection 3, manifest 9, start-up 5, two lifecycle reports of 5, one log batch 5, script timings 1.
    expect(b.agent_startup_statements!.value).toBe(3 + 9 + 5 + 2 * 5 + 5 + 1);
    expect(b.acquire_v2_20_statements!.value).toBe(3);
    expect(b.complete_v2_20_statements!.value).toBe(1);
  });

  it("maps as many measured statements as each phase counts (the overlay lists in the model file)", () => {
    const raw = parse(readFileSync(resolve(repoRoot, "models/coder-v2.8-measured.yaml"), "utf8"));
    const lists: Record<string, string[]> = Object.assign(
      {},
      ...raw.overlays.map((o: { statements?: object }) => o.statements ?? {}),
    );
    const n = (k: string) => lists[`builds.${k}`]!.length;
    expect(n("create_db_cpu_s")).toBe(b.create_statements.value);
    expect(n("acquire_db_cpu_s")).toBe(b.acquire_statements.value);
    expect(n("heartbeat_db_cpu_s")).toBe(HEARTBEAT_STATEMENTS);
    expect(n("log_flush_db_cpu_s")).toBe(LOG_FLUSH_STATEMENTS);
    expect(n("complete_start_db_cpu_s")).toBe(b.complete_start_statements.value);
    expect(n("complete_stop_db_cpu_s")).toBe(b.complete_stop_statements.value);
    expect(n("agent_startup_db_cpu_s")).toBe(b.agent_startup_statements!.value);
    expect(n("acquire_v2_20_db_cpu_s")).toBe(b.acquire_v2_20_statements!.value);
    expect(n("complete_v2_20_db_cpu_s")).toBe(b.complete_v2_20_statements!.value);
  });

  it("selects the version-dependent statements by the model's boundaries", () => {
    const era = (acquirer: boolean, queueByDaemon: boolean, v2_20: boolean, expanded: boolean) => ({
      acquirer,
      queuePositionByDaemon: queueByDaemon,
      v2_20,
      workspacesExpanded: expanded,
    });
    expect(buildEraFor("2.1.0", model)).toEqual(era(false, false, false, false));
    expect(buildEraFor("2.8", model)).toEqual(era(true, false, false, false));
    expect(buildEraFor("2.17", model)).toEqual(era(true, false, false, true));
    expect(buildEraFor("2.27", model)).toEqual(era(true, true, true, true));
    const v28 = catalogAt(model, "2.8");
    const v227 = catalogAt(model, "2.27");
    expect(statementsOf(v28.jobEvent.steps)).toBe(17);
    expect(statementsOf(v227.jobEvent.steps)).toBe(17 + 3);
    expect(statementsOf(v227.jobCompleteStart!.steps)).toBe(28 + 1);
    expect(statementsOf(v227.jobCompleteStop!.steps)).toBe(18 + 1);
    // The build response ranks pending jobs x daemons only from v2.20; the autobuild executor sends no response.
    expect(v28.queuePositionByDaemon).toBe(false);
    expect(v28.workspaceCreate.steps.some((s) => s.kind === "query" && s.perRowSeconds !== undefined)).toBe(
      false,
    );
    const perPair = v227.workspaceCreate.steps.find(
      (s) => s.kind === "query" && s.perRowSeconds !== undefined,
    );
    expect(perPair?.kind === "query" && perPair.perRowSeconds).toBeCloseTo(
      b.queue_position_db_cpu_s_per_pair!.value,
      15,
    );
    expect(v227.autostartBuild.steps.some((s) => s.kind === "query" && s.perRowSeconds !== undefined)).toBe(
      false,
    );
    expect(catalogAt(model, "2.1.0").acquireEmpty).toBeUndefined();
    expect(v227.acquireEmpty).toBeDefined();
  });

  it("charges each phase's workspace lookups the view's extra cost from v2.17 (workspaces_expanded)", () => {
    const extra = b.workspace_view_lookup_db_cpu_s!.value - b.workspace_table_lookup_db_cpu_s!.value;
    expect(extra).toBeGreaterThan(0);
    const dbCpu = (steps: readonly Step[]) =>
      steps.reduce(
        (t, s) => t + (s.kind === "query" && s.perRowSeconds === undefined ? s.work.mean * s.statements : 0),
        0,
      );
    const before = catalogAt(model, "2.16");
    const after = catalogAt(model, "2.17");
    const diff = (pick: (c: ReturnType<typeof catalogAt>) => readonly Step[]) =>
      dbCpu(pick(after)) - dbCpu(pick(before));
    expect(diff((c) => c.workspaceCreate.steps)).toBeCloseTo(4 * extra, 12);
    expect(diff((c) => c.jobEvent.steps)).toBeCloseTo(3 * extra, 12);
    expect(diff((c) => c.jobCompleteStart!.steps)).toBeCloseTo(5 * extra, 12);
    expect(diff((c) => c.agentStartup!.steps)).toBeCloseTo(11 * extra, 12);
    // The agent's 11 are the workspace lookups among its mapped statements.
    const raw = parse(readFileSync(resolve(repoRoot, "models/coder-v2.8-measured.yaml"), "utf8"));
    const lists: Record<string, string[]> = Object.assign(
      {},
      ...raw.overlays.map((o: { statements?: object }) => o.statements ?? {}),
    );
    const startup = lists["builds.agent_startup_db_cpu_s"]!;
    expect(
      startup.filter((id) => id === "workspace_by_agent_lookup" || id === "workspace_lookup"),
    ).toHaveLength(b.agent_startup_workspace_fetches!.value);
  });

  it("authenticates each start-up call over HTTP, once per connection over dRPC", () => {
    const query = (version: string) =>
      catalogAt(model, version).agentStartup!.steps.filter((s) => s.kind === "query");
    const calls = b.agent_startup_calls!.value;
    // v2.8: each call's joined authentication query, then its workspace read (docs/model.md, Agent authentication at v2.8).
    const http = query("2.8");
    expect(http.map((s) => (s.kind === "query" ? s.statements : 0))).toEqual([
      calls,
      calls * (model.agent.auth_reads_per_rpc.value - 1),
      b.agent_startup_statements!.value,
    ]);
    expect(query("2.27").map((s) => (s.kind === "query" ? s.statements : 0))).toEqual([
      b.agent_startup_statements!.value,
    ]);
  });

  it("takes the queue-position cost per pair from the 36000-pair measurement, which predicts the 3600-pair one", () => {
    const overlay = parse(
      readFileSync(resolve(repoRoot, "results/measure-db/builds-v2-2x-2026-12-07.yaml"), "utf8"),
    );
    const cpu = (id: string) => overlay.statements[id].cpu_s_per_execution.value as number;
    const k = model.database.measured_cost_scale?.value ?? 1;
    expect(b.queue_position_db_cpu_s_per_pair!.value).toBeCloseTo(
      (k * cpu("build_queue_position_p600_d60")) / 36000,
      15,
    );
    expect(b.queue_position_db_cpu_s_per_pair!.source).toContain("/ 36000");
    // Linear through zero: the per-pair cost times 3600 pairs lands within 5 % of the 60 x 60 measurement.
    const predicted = (cpu("build_queue_position_p600_d60") / 36000) * 3600;
    expect(Math.abs(predicted / cpu("build_queue_position_p60_d60") - 1)).toBeLessThan(0.05);
  });

  it("counts the Acquirer's empty acquires and the ranked pairs in closed form", () => {
    expect(emptyAcquires(10, 0)).toBe(0);
    expect(emptyAcquires(10, 1)).toBe(0); // the one waiting daemon wins
    expect(emptyAcquires(10, 5)).toBe(4); // five replicas query, one wins
    expect(emptyAcquires(10, 10)).toBe(9);
    expect(emptyAcquires(10, 15)).toBeCloseTo(9.5, 12); // the winner has another waiting daemon half the time
    expect(emptyAcquires(10, 40)).toBe(10);
    expect(emptyAcquires(1, 6)).toBe(1); // one replica: the winner's next daemon
    expect(queuePositionPairs(0, 60)).toBe(60);
    expect(queuePositionPairs(59, 60)).toBe(3600);
  });
});
