import { basename } from "node:path";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { canonicalSha256 } from "./canonicalJson.js";
import { loadDayProfile } from "./dayProfile.js";
import { type Scenario, scenarioSchema } from "./schema.js";
import { parseSetOverrides } from "./setOverride.js";
import { parseYamlWithSchema } from "./yamlDocument.js";

export interface LoadedScenario {
  scenario: Scenario;
  /** The path as given, used in messages. */
  file: string;
  name: string;
  /** SHA-256 of the canonical JSON of the resolved scenario (overrides and defaults applied). */
  sha256: string;
  /** The file text as read, before overrides. */
  text: string;
  /** The `--set` arguments applied, in order (messages about a value name the one that set it). */
  sets: readonly string[];
}

/** `scenarios/2k.yaml` → `2k`: the default scenario name. */
export function scenarioNameFromFile(file: string): string {
  const base = basename(file);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Validates scenario YAML text; `overrides` are `--set dotted.path=value` arguments. */
export function loadScenarioText(
  text: string,
  file: string,
  overrides: readonly string[] = [],
): LoadedScenario {
  const parsed = parseSetOverrides(overrides);
  const { value } = parseYamlWithSchema(text, file, scenarioSchema, { overrides: parsed, kind: "scenario" });
  const name = value.name ?? scenarioNameFromFile(file);
  const scenario: Scenario = withDayProfile({ ...value, name }, file);
  return { scenario, file, name, sha256: canonicalSha256(scenario), text, sets: [...overrides] };
}

/** A day profile given by name or file becomes its 96 values: runs (and the scenario's hash) carry the data. */
function withDayProfile(scenario: Scenario, file: string): Scenario {
  const profile = scenario.workload.day_profile;
  if (typeof profile !== "string") return scenario;
  return { ...scenario, workload: { ...scenario.workload, day_profile: loadDayProfile(profile, file) } };
}

/**
 * Reads and validates a scenario file; a missing, unreadable, non-regular or oversized file is an
 * InputError too.
 */
export function loadScenario(path: string, overrides: readonly string[] = []): LoadedScenario {
  const text = readInputText(path, { what: "scenario", maxBytes: inputLimits.scenarioBytes });
  return loadScenarioText(text, path, overrides);
}
