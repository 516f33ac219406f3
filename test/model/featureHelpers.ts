import { resolve } from "node:path";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { type RunOutput, runScenario } from "../../src/run/runScenario.js";
import { type LoadedScenario, loadScenarioText } from "../../src/scenario/index.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** The shipped model with some parameters replaced (dotted paths to `{value}` entries). */
export function modelWith(values: Record<string, unknown> = {}): ModelFile {
  const model = structuredClone(
    loadModel(resolve(ROOT, "models/coder-v2.8.yaml")).model,
  ) as unknown as Record<string, Record<string, { value: unknown; source: string }>>;
  for (const [path, value] of Object.entries(values)) {
    const [section, key] = path.split(".") as [string, string];
    model[section]![key] = { value, source: "test" };
  }
  return model as unknown as ModelFile;
}

/** Loads scenario YAML text (as a file in scenarios/ would be read). */
export function scenarioFrom(text: string, sets: string[] = []): LoadedScenario {
  return loadScenarioText(text, resolve(ROOT, "scenarios/test.yaml"), sets);
}

export function replicate(
  text: string,
  model: ModelFile = modelWith(),
  seed = 7,
  sets: string[] = [],
): ReplicationResult {
  return runReplication(scenarioFrom(text, sets).scenario, model, seed);
}

/** One replication through runScenario (summary metrics), under the given model. */
export function summarize(text: string, model: ModelFile = modelWith(), sets: string[] = []): RunOutput {
  const loaded = scenarioFrom(text, sets);
  return runScenario(loaded, { model, file: "test-model", sha256: "" }, { replications: 1, seed: 7 });
}

export function metric(out: RunOutput, name: string): number {
  const m = out.summary.metrics.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name} (have ${out.summary.metrics.map((x) => x.name).join(", ")})`);
  return m.mean ?? Number.NaN;
}

/** Value of a series at the scrape closest to time t. */
export function at(rep: ReplicationResult, column: string, t: number): number {
  const i = rep.times.findIndex((x) => x >= t - 1e-9);
  return rep.series[column]![i]!;
}

/** A small deployment and load every feature test starts from: 1 replica, 100 agents, short stages. */
export const SMALL = `
name: small-feature-test
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 2, vcpu: 4, memory_gb: 16}
  provisioners: {count: 20, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 100
  builds: {create_concurrency: 50, cleanup_concurrency: 50}
stages:
  - {name: prepare, start_s: 0, duration_s: 600}
  - {name: ssh, start_s: 600, duration_s: 600, target_pct: 40}
  - {name: dashboard, start_s: 600, duration_s: 600, target_pct: 20}
replications: 1
`;
