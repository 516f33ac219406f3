import { InputError } from "../errors.js";
import { resolveScenarioPath } from "../model/loadScenarioAndModel.js";

export {
  DEFAULT_SCENARIO,
  loadScenarioAndModel,
  resolveScenarioPath,
  type ScenarioAndModel,
  SHIPPED_SCENARIOS_DIR,
} from "../model/loadScenarioAndModel.js";

/** True when `name` is a shipped scenario's name (compare/calibrate tell scenarios from measured files). */
export function isShippedScenario(name: string): boolean {
  try {
    resolveScenarioPath(name);
    return true;
  } catch {
    return false;
  }
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
