import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { loadModel, loadModelText } from "../../src/model/loadModel.js";
import { inputIssues, repoRoot } from "./helpers.js";

const OVERLAY = resolve(repoRoot, "results/measure-db/2026-12-06.yaml");
const FANOUT = resolve(repoRoot, "results/measure-db/pubsub-fanout-2026-12-07.yaml");
const READING_MODEL = resolve(repoRoot, "models/coder-v2.8-measured.yaml");
const BASE = resolve(repoRoot, "models/coder-v2.8-base.yaml");
const overlay = YAML.parse(readFileSync(OVERLAY, "utf8"));

/** A model file in a temporary folder that extends the shipped model; returns its path. */
function tempModel(body: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "capsim-overlay-"));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  const file = join(dir, "model.yaml");
  writeFileSync(file, `name: t\ndescription: t\nextends: ${BASE}\n${body}`);
  return file;
}

describe("model overlays (measured costs merged into a model)", () => {
  it("merges model_parameters times k, keeping the measurement's provenance", () => {
    const { model } = loadModel(READING_MODEL);
    const measured = overlay.model_parameters.database;
    const k = model.database.measured_cost_scale!.value;
    for (const name of [
      "read_query_cpu_s",
      "write_query_cpu_s",
      "notify_cpu_s",
      "batch_row_cpu_s",
    ] as const) {
      const p = model.database[name] as { value: unknown; source: string };
      expect(p.value).toBeCloseTo(measured[name].value * k, 12);
      expect(p.source).toContain("overlay results/measure-db/2026-12-06.yaml (sha256 ");
      expect(p.source).toContain(measured[name].source);
    }
    // Parameters the overlay does not give stay the base model's.
    const base = loadModel(BASE).model;
    expect(model.database.notify_commit_s).toEqual(base.database.notify_commit_s);
    expect(model.coderd.agent_rpc_cpu_s).toEqual(base.coderd.agent_rpc_cpu_s);
  });

  it("sets parameters from named statements (sums, and /rows divides)", () => {
    const { model } = loadModel(READING_MODEL);
    const cpu = (id: string) => overlay.statements[id].cpu_s_per_execution.value as number;
    const rows = (id: string) => overlay.statements[id].rows_per_execution.value as number;
    const c = model.agents_collector!;
    expect(c.per_workspace_cpu_s.value).toBeCloseTo(cpu("user_lookup") + cpu("agents_collector_agents"), 9);
    expect(c.workspaces_query_cpu_s_per_workspace.value).toBeCloseTo(
      cpu("agents_collector_workspaces") / rows("agents_collector_workspaces"),
      12,
    );
    expect(c.per_agent_cpu_s.source).toContain("agents_collector_apps");
    const fanout = YAML.parse(readFileSync(FANOUT, "utf8"));
    expect(model.pubsub!.listener_cpu_s.value).toBeCloseTo(
      fanout.model_parameters.pubsub.listener_cpu_s.value,
      12,
    );
  });

  it("multiplies every merged value by database.measured_cost_scale", () => {
    const file = tempModel(
      `overlays:\n  - file: ${OVERLAY}\ndatabase:\n  measured_cost_scale: {value: 3, source: test}\n`,
    );
    const { model } = loadModel(file);
    expect(model.database.read_query_cpu_s.value).toBeCloseTo(
      3 * overlay.model_parameters.database.read_query_cpu_s.value,
      12,
    );
    expect(model.database.read_query_cpu_s.source).toContain("k = 3 (test)");
  });

  it("applies a base's overlays with the k of the model that extends it", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-overlay-"));
    const file = join(dir, "child.yaml");
    writeFileSync(
      file,
      `name: c\ndescription: c\nextends: ${READING_MODEL}\ndatabase:\n  measured_cost_scale: {value: 5, source: test}\n`,
    );
    const { model } = loadModel(file);
    const measured = overlay.model_parameters.database.write_query_cpu_s.value;
    expect(model.database.write_query_cpu_s.value).toBeCloseTo(5 * measured, 12);
  });

  it("refuses an overlay parameter the model does not have, at its line and column", () => {
    const bad =
      "name: bad\nmodel_parameters:\n  database:\n    bogus_cpu_s: {value: 1, unit: s, source: x}\n";
    const file = tempModel("overlays:\n  - file: bad.yaml\n", { "bad.yaml": bad });
    const [issue] = inputIssues(() => loadModel(file));
    expect(issue!.file).toMatch(/bad\.yaml$/);
    expect(issue!.line).toBe(4);
    expect(issue!.col).toBe(5);
    expect(issue!.path).toBe("model_parameters.database.bogus_cpu_s");
  });

  it("refuses a merged value that is not CPU-seconds", () => {
    const bad =
      "name: bad\nmodel_parameters:\n  database:\n    read_query_cpu_s: {value: 1, unit: ms, source: x}\n";
    const file = tempModel("overlays:\n  - file: bad.yaml\n", { "bad.yaml": bad });
    const [issue] = inputIssues(() => loadModel(file));
    expect(issue).toMatchObject({ line: 4, path: "model_parameters.database.read_query_cpu_s.unit" });
    expect(issue!.message).toMatch(/only CPU-seconds/);
  });

  it("refuses an unknown statement id where the model names it", () => {
    const file = tempModel(
      `overlays:\n  - file: ${OVERLAY}\n    statements:\n      agents_collector.per_agent_cpu_s: [no_such_statement]\n`,
    );
    const [issue] = inputIssues(() => loadModel(file));
    expect(issue).toMatchObject({
      file,
      line: 7,
      path: "overlays.0.statements.agents_collector.per_agent_cpu_s",
    });
    expect(issue!.message).toMatch(/statement no_such_statement is not in/);
  });

  it("refuses a model extending itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-overlay-"));
    const file = join(dir, "loop.yaml");
    writeFileSync(file, `name: loop\ndescription: x\nextends: ${file}\n`);
    const [issue] = inputIssues(() => loadModelText(readFileSync(file, "utf8"), file));
    expect(issue!.message).toMatch(/extend each other more than/);
  });

  it("the CLI prints file:line:col for a bad overlay and exits 2", () => {
    const bad =
      "name: bad\nmodel_parameters:\n  database:\n    bogus_cpu_s: {value: 1, unit: s, source: x}\n";
    const modelFile = tempModel("overlays:\n  - file: bad.yaml\n", { "bad.yaml": bad });
    const scenario = readFileSync(resolve(repoRoot, "scenarios/scaletest-2000.yaml"), "utf8").replace(
      "model: coder-v2.8",
      `model: ${modelFile}`,
    );
    const scenarioFile = join(mkdtempSync(join(tmpdir(), "capsim-overlay-")), "s.yaml");
    writeFileSync(scenarioFile, scenario);
    const r = spawnSync(process.execPath, [resolve(repoRoot, "dist/cli/main.js"), "run", scenarioFile], {
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4:5: model_parameters\.database\.bogus_cpu_s: /);
  });
});
