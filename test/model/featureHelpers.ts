import { resolve } from "node:path";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { type RunOutput, runScenario } from "../../src/run/runScenario.js";
import { type LoadedScenario, loadScenarioText } from "../../src/scenario/index.js";
import { type Matchers, select } from "../../src/series/select.js";

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

/** Sum of the series of a metric matching `matchers`, at the first scrape at or after time t. */
export function at(rep: ReplicationResult, name: string, t: number, matchers: Matchers = {}): number {
  const found = select(rep.metrics, name, matchers);
  if (found.length === 0) throw new Error(`no series ${name} ${JSON.stringify(matchers)}`);
  const i = Array.from(found[0]!.times).findIndex((x) => x >= t - 1e-9);
  return found.reduce((sum, s) => sum + s.values[i]!, 0);
}

/** All values of the one series of a metric. */
export function values(rep: ReplicationResult, name: string, matchers: Matchers = {}): number[] {
  const found = select(rep.metrics, name, matchers);
  if (found.length !== 1) throw new Error(`${found.length} series ${name} ${JSON.stringify(matchers)}`);
  return Array.from(found[0]!.values);
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
