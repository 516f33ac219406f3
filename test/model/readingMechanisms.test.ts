import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import { loadScenario } from "../../src/scenario/index.js";
import { repoRoot } from "./helpers.js";

// The database components of issue 12 against hand-computed rates (operational laws: U = X S / c).
const AGENTS = 200;
const REPLICAS = 2;
const DB_VCPU = 1;
const ITEMS = 2;
const INTERVAL_S = 10;

/** Coder v2.2 (one metadata call per item), no user traffic: every NOTIFY is a metadata call's. */
const SCENARIO = `name: mechanisms
description: t
model: MODEL
deployment:
  coder_version: "2.2"
  coderd: {replicas: ${REPLICAS}, vcpu: 4, memory_gb: 16, pg_conn_max_open: 10}
  provisioners: {count: 50, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: ${DB_VCPU}, memory_gb: 4}
workload:
  users: ${AGENTS}
  workspaces: ${AGENTS}
  agent:
    metadata: {items: ${ITEMS}, interval_s: ${INTERVAL_S}}
  traffic: {bytes_per_tick: 1024, tick_interval_s: 0.1, direct_connections: false}
  dashboard: {interval_s: 10, jitter_s: 5}
  builds: {create_concurrency: 50, cleanup_concurrency: 50}
stages:
  - {name: prepare, start_s: 0, duration_s: 600}
  - {name: ssh, start_s: 900, duration_s: 1800, target_pct: 0}
seed: 3
replications: 1
scrape_interval_s: 15
`;

function runWith(modelBody: string) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-mech-"));
  const modelFile = join(dir, "model.yaml");
  writeFileSync(
    modelFile,
    `name: t\ndescription: t\nextends: ${resolve(repoRoot, "models/coder-v2.8-base.yaml")}\n${modelBody}`,
  );
  const scenarioFile = join(dir, "s.yaml");
  writeFileSync(scenarioFile, SCENARIO.replace("MODEL", modelFile));
  const loaded = loadScenario(scenarioFile);
  return runScenario(loaded, loadModel(loaded.scenario.model, loaded.file), {}).summary;
}

function databaseRow(modelBody: string) {
  const summary = runWith(modelBody);
  const row = summary.resources.find((r) => r.name === "database cpu");
  if (!row) throw new Error(`no database cpu row in ${summary.resources.map((r) => r.name).join(", ")}`);
  return row;
}

describe("issue 12's database components obey the operational laws", () => {
  const plain = databaseRow("");

  it("NOTIFY fan-out: background CPU = NOTIFY rate x listeners x CPU per listener", () => {
    const perListener = 0.001;
    const row = databaseRow(
      `pubsub:\n  listener_cpu_s: {value: ${perListener}, source: t}\n  listeners_per_replica: {value: 1, source: t}\n`,
    );
    // v2.2 agents: one metadata call (one NOTIFY) per item per interval.
    const notifiesPerS = (AGENTS * ITEMS) / INTERVAL_S;
    const expected = (notifiesPerS * REPLICAS * perListener) / DB_VCPU;
    const added = row.background_utilization - plain.background_utilization;
    expect(added).toBeGreaterThan(expected * 0.95);
    expect(added).toBeLessThan(expected * 1.05);
  });

  it("Agents() collector: CPU = replicas x workspaces x CPU per workspace / interval", () => {
    const perWorkspace = 0.01;
    const interval = 60; // coderd.agents_collector_interval_s of the base model
    const row = databaseRow(
      [
        "agents_collector:",
        "  workspaces_query_cpu_s_per_workspace: {value: 0.002, source: t}",
        `  per_workspace_cpu_s: {value: ${perWorkspace - 0.003}, source: t}`,
        "  per_agent_cpu_s: {value: 0.001, source: t}",
        "",
      ].join("\n"),
    );
    const expected = (REPLICAS * AGENTS * perWorkspace) / interval / DB_VCPU;
    const jobs = (r: typeof row) => r.utilization - r.background_utilization;
    const added = jobs(row) - jobs(plain);
    // 30 collections per replica in the 1800 s window, each at a random phase: one more or less is 3 %.
    expect(added).toBeGreaterThan(expected * 0.93);
    expect(added).toBeLessThan(expected * 1.07);
  });

  it("named residual: database.unexplained_vcpu adds exactly its vCPU to the background", () => {
    const row = databaseRow("database:\n  unexplained_vcpu: {value: 0.25, source: t}\n");
    expect(row.background_utilization - plain.background_utilization).toBeCloseTo(0.25 / DB_VCPU, 6);
  });

  it("connection openings: each costs its start-up plus its cold-cache cost, charged alike", () => {
    const opensCpu = (setup: number, cold?: number) => {
      const body = `database:\n  connection_setup_cpu_s: {value: ${setup}, source: t}\n${
        cold === undefined ? "" : `  connection_cold_cache_cpu_s: {value: ${cold}, source: t}\n`
      }`;
      const windows = runWith(body).database_cpu_by_source!.windows;
      return windows.reduce(
        (s, w) => s + (w.sources.find((x) => x.source === "connection_opens")?.cpu_seconds ?? 0),
        0,
      );
    };
    const setupOnly = opensCpu(0.02);
    expect(setupOnly).toBeGreaterThan(0); // the pools open connections in this scenario
    // Half start-up, half cold caches: the same 20 ms per opening, the same run.
    expect(opensCpu(0.01, 0.01)).toBeCloseTo(setupOnly, 6);
    // The start-up alone at 10 ms: about half the CPU (the openings differ by a few, the database's load
    // being lighter), so the cold-cache cost above was added, not ignored.
    expect(opensCpu(0.01) / (setupOnly / 2)).toBeGreaterThan(0.97);
    expect(opensCpu(0.01) / (setupOnly / 2)).toBeLessThan(1.03);
  });
});
