import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { type LoadedModel, loadModel } from "../model/loadModel.js";
import { type LoadedScenario, loadScenario } from "../scenario/index.js";

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

/** True when `name` is a shipped scenario's name (compare/calibrate tell scenarios from measured files). */
export function isShippedScenario(name: string): boolean {
  try {
    resolveScenarioPath(name);
    return true;
  } catch {
    return false;
  }
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
  return { loaded, model: loadModel(loaded.scenario.model, loaded.file) };
}

/** commander collector for repeatable options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** commander parser for positive integers, as bad input (exit 2). */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new InputError({
        file: `--${name}`,
        path: "",
        message: `expected a positive integer, got "${value}"`,
      });
    }
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      throw new InputError({
        file: `--${name}`,
        path: "",
        message: `expected a non-negative integer, got "${value}"`,
      });
    }
    return n;
  };
}
