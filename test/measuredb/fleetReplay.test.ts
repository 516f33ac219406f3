import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetPlan, statementRates } from "../../src/measuredb/fleetPlan.js";
import { type ReplayResult, replayFleet } from "../../src/measuredb/fleetReplay.js";
import { type LocalServer, startLocalServer } from "../../src/measuredb/server.js";
import { loadScenarioAndModel } from "../../src/model/loadScenarioAndModel.js";
import { postgresAvailable } from "../helpers/postgres.js";

const found = await postgresAvailable();

const AGENTS = 100;

describe("fleet plan from the scenario and its model", () => {
  it("takes the v2.8 fleet's periods and pool from scaletest-2000 and refuses the newest coderd's batcher", () => {
    const { loaded, model } = loadScenarioAndModel("scaletest-2000");
    const s = loaded.scenario;
    const plan = fleetPlan(model.model, s, AGENTS);
    expect(plan.metadataPeriodS).toBe(s.workload.agent.metadata.interval_s);
    expect(plan.heartbeatPeriodS).toBe(s.workload.agent.heartbeat_interval_s);
    expect(plan.poolMaxOpen).toBe(s.deployment.coderd.pg_conn_max_open);
    expect(plan.poolMaxIdle).toBe(
      Math.ceil(plan.poolMaxOpen / model.model.coderd.pg_conn_idle_divisor.value),
    );
    expect(plan.authReadsPerCall).toBe(model.model.agent.auth_reads_per_rpc.value);
    const newest = loadScenarioAndModel("scaletest-2000", ["deployment.coder_version=2.30.0"]);
    expect(() => fleetPlan(newest.model.model, newest.loaded.scenario, AGENTS)).toThrow(/coderd_batch/);
  });
});

describe.skipIf(!found)("the idle fleet replayed on a real PostgreSQL", () => {
  let server: LocalServer;
  let r: ReplayResult;
  let rates: Record<string, number>;
  let windowS = 0;

  beforeAll(async () => {
    server = await startLocalServer(() => {}, ["autovacuum=on", "max_connections=40"]);
    // The scale test's fleet with 5 s metadata and heartbeat periods (to keep the test short); a window of
    // one period holds every agent's metadata call and heartbeat exactly once.
    const { loaded, model } = loadScenarioAndModel("scaletest-2000", [
      "workload.agent.metadata.interval_s=5",
      "workload.agent.heartbeat_interval_s=5",
    ]);
    const plan = fleetPlan(model.model, loaded.scenario, AGENTS);
    rates = statementRates(plan);
    windowS = plan.metadataPeriodS;
    r = await replayFleet({
      url: server.url,
      plan,
      warmupS: 1,
      windowS,
      seed: 1,
      statsHistoryMinutes: 2,
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => server?.stop());

  it("the server executed the plan's metadata, authentication and heartbeat rates", () => {
    const calls = (id: string) => r.statements[id]?.calls ?? 0;
    const per = (id: string) => calls(id) / (rates[id]! * r.windowS);
    // Every agent's metadata call falls once in any window of its period: the counts are near exact.
    expect(per("metadata_update_per_agent")).toBeGreaterThan(0.95);
    expect(per("metadata_update_per_agent")).toBeLessThan(1.05);
    expect(
      Math.abs(calls("metadata_notify_per_agent") - calls("metadata_update_per_agent")),
    ).toBeLessThanOrEqual(3);
    expect(per("agent_token_lookup")).toBeGreaterThan(0.85);
    expect(per("agent_token_lookup")).toBeLessThan(1.15);
    expect(per("heartbeat_update")).toBeGreaterThan(0.95);
    expect(per("heartbeat_update")).toBeLessThan(1.05);
    expect(r.failed).toBe(0);
  });

  it("each autocommit statement is one commit, and the server's CPU covers its backends and listeners", () => {
    const statements = Object.values(r.statements).reduce((s, x) => s + x.calls, 0);
    expect(r.server.commits).toBeGreaterThan(0.9 * statements);
    // Fewer than two commits a statement. The replay's control queries (a wait sample a second, the snapshots)
    // and the server's own background work commit too: a fresh clone saw 657 where 1.1x + 50 allowed 645.
    expect(r.server.commits).toBeLessThan(1.5 * statements + 10 * windowS);
    expect(r.server.walBytes).toBeGreaterThan(0);
    expect(r.cpu.roles["pool backends"]).toBeGreaterThan(0);
    // Listening backends read the notify queue on every NOTIFY though nobody listens on its channel.
    expect(r.cpu.roles["LISTEN backends"]).toBeGreaterThan(0);
    expect(r.cpu.total).toBeGreaterThanOrEqual(r.cpu.fleetSeconds);
    expect(r.cpu.fleetSeconds).toBeGreaterThanOrEqual(r.cpu.roles["pool backends"]!);
  });
});
