import { type Command, Option } from "commander";
import { InputError } from "../errors.js";
import { DEFAULT_INPUT_LIMITS, MAX_INPUT_OPTION, setMeasuredLimitMb } from "../input/limits.js";
import { loadScenarioAndModel, resolveScenarioPath } from "../model/loadScenarioAndModel.js";
import { type Budget, DEFAULT_BUDGET, estimateRun, refuseOverBudget } from "../run/estimate.js";
import { overrideSource } from "../scenario/index.js";

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

/** A whole number as typed (digits, or an exponent like 1e3), exactly representable: beyond 2^53 it is not. */
function parseWholeNumber(value: string): number {
  const text = value.trim();
  return /^\+?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

function intParser(name: string, min: number, what: string) {
  return (value: string): number => {
    const n = parseWholeNumber(value);
    if (!Number.isSafeInteger(n) || n < min) {
      const why =
        Number.isInteger(n) && n > Number.MAX_SAFE_INTEGER ? ` (at most ${Number.MAX_SAFE_INTEGER})` : "";
      throw new InputError({
        file: `--${name}`,
        path: "",
        message: `expected ${what}${why}, got ${JSON.stringify(value)}`,
      });
    }
    return n;
  };
}

/** commander parser for positive integers, as bad input (exit 2); beyond 2^53 is refused, not rounded. */
export function positiveInt(name: string) {
  return intParser(name, 1, "a positive integer");
}

export function nonNegativeInt(name: string) {
  return intParser(name, 0, "a non-negative integer");
}

/** commander parser for a positive number (`--max-memory-gb 0.5`); `abc` is bad input, never a disabled check. */
export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = parseWholeNumber(value);
    if (!(Number.isFinite(n) && n > 0)) {
      throw new InputError({
        file: `--${name}`,
        path: "",
        message: `expected a positive number, got ${JSON.stringify(value)}`,
      });
    }
    return n;
  };
}

/** `--max-memory-gb` and `--max-hours`: what the up-front estimate may allow (docs/security.md). */
export function addBudgetOptions(command: Command): Command {
  return command
    .option(
      "--max-memory-gb <n>",
      "refuse work estimated to need more memory than this",
      positiveNumber("max-memory-gb"),
      DEFAULT_BUDGET.maxMemoryGb,
    )
    .option(
      "--max-hours <n>",
      "refuse work estimated to take longer than this on one core",
      positiveNumber("max-hours"),
      DEFAULT_BUDGET.maxHours,
    );
}

export function budgetOf(flags: { maxMemoryGb: number; maxHours: number }): Budget {
  return { maxMemoryGb: flags.maxMemoryGb, maxHours: flags.maxHours };
}

/** `--max-input-mb`: the measured-data size cap (docs/security.md). */
export function addInputCapOption(command: Command): Command {
  return command.option(
    `${MAX_INPUT_OPTION} <n>`,
    `refuse measured files larger than this many MiB (default ${DEFAULT_INPUT_LIMITS.measuredBytes / 2 ** 20})`,
    (value: string) => {
      const mb = positiveNumber("max-input-mb")(value);
      setMeasuredLimitMb(mb);
      return mb;
    },
  );
}

/**
 * For commands that simulate variants of the scenario (plan, limit): refuses, before the search, a
 * variant (the scenario with `extra` --set arguments) beyond the simulator's range or the budget.
 */
export function refuseVariantOverBudget(
  scenarioArg: string | undefined,
  sets: readonly string[],
  variant: { set: string; option: string },
  budget: Budget,
  opts: { replications?: number; runs?: number } = {},
): void {
  try {
    const { loaded, model } = loadScenarioAndModel(scenarioArg, [...sets, variant.set]);
    const estimate = estimateRun(
      loaded.scenario,
      model.model,
      opts.replications ?? loaded.scenario.replications,
    );
    refuseOverBudget(loaded, estimate, budget, {
      ...(opts.replications !== undefined ? { replicationsOption: "--replications" } : {}),
      ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Named after the option the user typed, not the --set it became.
    const source = overrideSource(variant.set);
    throw new InputError(error.issues.map((i) => (i.file === source ? { ...i, file: variant.option } : i)));
  }
}

/** `--jobs N`: how many `what` run at once on worker threads (the same results whatever N). */
export function jobsOption(what: string): Option {
  return new Option(
    "--jobs <n>",
    `${what} run at once on worker threads (default: available cores; results do not depend on it)`,
  ).argParser(positiveInt("jobs"));
}
