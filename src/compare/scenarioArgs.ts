import { existsSync, statSync } from "node:fs";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";

/** The positionals of `compare`/`calibrate`: `[scenario] <measured file>...`. */
export interface ScenarioAndMeasuredArgs {
  /** undefined = the default scenario. */
  scenarioArg: string | undefined;
  measuredFiles: string[];
}

// Every scenario has these top-level keys; no measured format has them at the top level.
const SCENARIO_KEY_LINE = /^(deployment|workload)[ \t]*:(?:[ \t]|$)/m;
const SCENARIO_KEYS = ["deployment", "workload"];

/**
 * Splits `[scenario] <measured>...`. The first argument is the scenario when it names a shipped
 * scenario (and is not a file), or is a file whose top level has a `deployment:` or `workload:` key
 * (YAML, or a JSON object); otherwise every argument is a measured file and the default scenario runs.
 */
export function splitScenarioArgs(
  positionals: readonly string[],
  command: string,
  isShippedScenario: (name: string) => boolean,
): ScenarioAndMeasuredArgs {
  const [first, ...rest] = positionals;
  if (first === undefined) throw noMeasured(command);
  if (!looksLikeScenario(first, isShippedScenario))
    return { scenarioArg: undefined, measuredFiles: [...positionals] };
  if (rest.length === 0) throw noMeasured(command, first);
  return { scenarioArg: first, measuredFiles: rest };
}

function noMeasured(command: string, scenario?: string): InputError {
  const after = scenario ? ` after the scenario ${scenario}` : "";
  return new InputError({
    file: command,
    path: "",
    message: `no measured file given${after}: usage capsim ${command} [scenario] <measured file>...`,
  });
}

/** True when `arg` is a scenario file (by its top-level keys) or the name of a shipped scenario. */
export function looksLikeScenario(arg: string, isShippedScenario: (name: string) => boolean): boolean {
  if (existsSync(arg)) {
    if (!statSync(arg).isFile()) return false;
    return hasScenarioKeys(readInputText(arg, { what: "input", maxBytes: inputLimits.measuredBytes }));
  }
  return isShippedScenario(arg);
}

function hasScenarioKeys(text: string): boolean {
  const body = text.replace(/^\uFEFF/, "").trimStart();
  if (body.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(body);
      return (
        typeof parsed === "object" &&
        parsed !== null &&
        SCENARIO_KEYS.some((key) => Object.hasOwn(parsed, key))
      );
    } catch {
      return false;
    }
  }
  return SCENARIO_KEY_LINE.test(body);
}
