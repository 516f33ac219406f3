import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { type LoadedScenario, loadScenario } from "../scenario/index.js";
import { resolveSessions } from "./features.js";
import { type LoadedModel, loadModel } from "./loadModel.js";

/** Scenarios shipped with capsim, and the one `capsim run` uses when given none. */
export const SHIPPED_SCENARIOS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../scenarios");
export const DEFAULT_SCENARIO = "scaletest-2000";

/** A path as given; else a shipped scenario by name (`what-if/metadata-1s` or `scaletest-2000.yaml`). */
export function resolveScenarioPath(arg: string | undefined): string {
  const given = arg ?? DEFAULT_SCENARIO;
  if (existsSync(given)) return resolve(given);
  const named = given.endsWith(".yaml") ? given : `${given}.yaml`;
  const shipped = resolve(SHIPPED_SCENARIOS_DIR, named);
  if (existsSync(shipped)) return shipped;
  throw new InputError({
    file: given,
    path: "",
    message: "cannot read: no such file, and no shipped scenario has that name",
  });
}

export interface ScenarioAndModel {
  loaded: LoadedScenario;
  model: LoadedModel;
}

/** Loads a scenario (with `--set` overrides) and the model it names; bad input throws InputError. */
export function loadScenarioAndModel(
  arg: string | undefined,
  sets: readonly string[] = [],
): ScenarioAndModel {
  const loaded = loadScenario(resolveScenarioPath(arg), sets);
  const model = loadModel(loaded.scenario.model, loaded.file);
  // A session mix the model cannot carry (a browser kind sent direct) is refused before any run.
  const sessions = loaded.scenario.workload.sessions;
  if (sessions) resolveSessions(sessions, model.model, loaded.file);
  return { loaded, model };
}
