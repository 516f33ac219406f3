import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");

/** coderd CPU per connected agent in the linear model: utilisation = users x this on one 1-vCPU replica. */
export const LINEAR_VCPU_PER_AGENT = 0.001;

type Param = { value: unknown; source: string };

/**
 * Writes test/fixtures/sweep/linear.yaml and its model into `dir`. The model is built from the shipped
 * models/coder-v2.8-base.yaml, the complete model file (so it follows the model schema as it evolves): every coderd and database CPU
 * cost becomes negligible except a steady LINEAR_VCPU_PER_AGENT per connected agent, and builds and
 * agent start take one second. Returns the scenario's path.
 */
export function writeLinearFixture(dir: string): string {
  const model = parse(readFileSync(join(ROOT, "models/coder-v2.8-base.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  const set = (section: string, key: string, value: unknown) => {
    const params = model[section] as Record<string, Param>;
    params[key] = { value, source: "test-only: linear-model fixture" };
  };
  model.name = "linear-coderd-test";
  model.description =
    "Test-only: coderd CPU utilisation exactly linear in connected agents, other costs negligible.";
  for (const section of ["coderd", "database"]) {
    for (const [key, param] of Object.entries(model[section] as Record<string, Param>)) {
      if (!/cpu/.test(key)) continue;
      set(section, key, typeof param.value === "number" ? 0 : 0.000001);
    }
  }
  set("coderd", "connection_cpu_vcpu", LINEAR_VCPU_PER_AGENT);
  set("database", "notify_commit_s", 0.000001);
  set("agent", "connect_delay_s", 1);
  set("provisioner", "build_duration_s", 1);
  set("provisioner", "delete_duration_s", 1);
  writeFileSync(join(dir, "linear-model.yaml"), stringify(model));
  const scenario = join(dir, "linear.yaml");
  copyFileSync(join(ROOT, "test/fixtures/sweep/linear.yaml"), scenario);
  return scenario;
}
