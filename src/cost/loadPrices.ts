import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";
import type { Scenario } from "../scenario/index.js";
import { parseYamlWithSchema } from "../scenario/yamlDocument.js";
import { type PriceTable, priceTableSchema } from "./priceSchema.js";

/** The price tables shipped with capsim, one per cloud. */
export const SHIPPED_PRICES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../models/prices");
/** The cloud priced when a scenario names none: the scale test ran on GKE. */
export const DEFAULT_CLOUD = "gke";

export interface LoadedPrices {
  table: PriceTable;
  file: string;
  sha256: string;
}

export function loadPriceFile(file: string, what = file): LoadedPrices {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError({ file: what, path: "", message: `cannot read: ${(err as Error).message}` });
  }
  const { value } = parseYamlWithSchema(text, file, priceTableSchema);
  return { table: value, file, sha256: canonicalSha256(value) };
}

/** A price file given by path: absolute, else relative to `baseDir` (the scenario's folder), then the working directory. */
function resolvePriceFile(path: string, baseDir: string | undefined, what: string): string {
  const candidates = isAbsolute(path)
    ? [path]
    : [...(baseDir ? [resolve(baseDir, path)] : []), resolve(path)];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new InputError({ file: what, path: "", message: `no price file at ${candidates.join(" or ")}` });
  return found;
}

/**
 * The price table of a run: `--prices FILE` if given, else the scenario's `prices:` file, else the
 * shipped table of its `deployment.cloud` (default gke).
 */
export function pricesFor(
  scenario: Scenario,
  scenarioFile: string | undefined,
  pricesFlag?: string,
): LoadedPrices {
  if (pricesFlag !== undefined)
    return loadPriceFile(resolvePriceFile(pricesFlag, undefined, "--prices"), "--prices");
  if (scenario.prices !== undefined) {
    const base = scenarioFile ? dirname(scenarioFile) : undefined;
    const file = resolvePriceFile(scenario.prices, base, scenarioFile ?? "prices");
    return loadPriceFile(file);
  }
  const cloud = scenario.deployment.cloud ?? DEFAULT_CLOUD;
  return loadPriceFile(resolve(SHIPPED_PRICES_DIR, `${cloud}.yaml`));
}
