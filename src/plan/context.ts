import { InputError } from "../errors.js";
import type { LoadedModel } from "../model/loadModel.js";
import type { LoadedScenario } from "../scenario/index.js";
import { probeLayout } from "../sweep/columns.js";
import { CAPSIM_VERSION } from "../version.js";
import { runAhead } from "./runAhead.js";
import type { SearchContext } from "./simulate.js";
import { parseSlo, resolveSlos } from "./slo.js";

export interface SearchFlags {
  sets: readonly string[];
  slos: readonly string[];
  maxUtil: number;
  strict: boolean;
  replications?: number;
  seed?: number;
}

/** Parses `--max-util`: a utilisation cap in (0, 1]. */
export function parseMaxUtil(text: string): number {
  const n = Number(text);
  if (!(n > 0 && n <= 1)) {
    throw new InputError({
      file: "--max-util",
      path: "",
      message: `expected a utilisation in (0, 1], got "${text}"`,
    });
  }
  return n;
}

/** The context `limit` and `plan` search in; SLO names are checked against the scenario's metrics first. */
export function searchContext(loaded: LoadedScenario, model: LoadedModel, flags: SearchFlags): SearchContext {
  const parsed = flags.slos.map(parseSlo);
  const slos = resolveSlos(parsed, probeLayout(loaded, model).metrics);
  const ctx: SearchContext = {
    base: loaded,
    model,
    sets: flags.sets,
    replications: flags.replications ?? loaded.scenario.replications,
    seed: flags.seed ?? loaded.scenario.seed,
    checks: { slos, maxUtil: flags.maxUtil, strict: flags.strict },
  };
  // Parallel by default: variants the search will probably need run ahead on idle worker threads.
  return { ...ctx, ...runAhead(ctx) };
}

/** The provenance every `--json` document of limit and plan starts with. */
export function jsonHeader(ctx: SearchContext) {
  return {
    capsim_version: CAPSIM_VERSION,
    scenario: { name: ctx.base.scenario.name, file: ctx.base.file, sha256: ctx.base.sha256 },
    model: { name: ctx.model.model.name, file: ctx.model.file, sha256: ctx.model.sha256 },
    seed: ctx.seed,
    replications: ctx.replications,
  };
}
