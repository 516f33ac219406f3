import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";
import { parseYamlWithSchema } from "../scenario/yamlDocument.js";
import { type ModelFile, modelSchema } from "./modelSchema.js";

/** The models/ folder shipped with capsim. */
export const SHIPPED_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../models");

export interface LoadedModel {
  model: ModelFile;
  file: string;
  sha256: string;
}

/**
 * Finds a model by name or path: a path (absolute, or relative to the scenario's folder, then to the
 * working directory), else `models/<name>.yaml` shipped with capsim.
 */
export function resolveModelPath(nameOrPath: string, scenarioFile?: string): string {
  const candidates: string[] = [];
  const looksLikePath =
    nameOrPath.includes("/") || nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml");
  if (looksLikePath) {
    if (isAbsolute(nameOrPath)) candidates.push(nameOrPath);
    else {
      if (scenarioFile) candidates.push(resolve(dirname(scenarioFile), nameOrPath));
      candidates.push(resolve(nameOrPath));
    }
  } else {
    if (scenarioFile) candidates.push(resolve(dirname(scenarioFile), "../models", `${nameOrPath}.yaml`));
    candidates.push(resolve("models", `${nameOrPath}.yaml`));
    candidates.push(resolve(SHIPPED_MODELS_DIR, `${nameOrPath}.yaml`));
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new InputError({
      file: scenarioFile ?? "<model>",
      path: "model",
      message: `model "${nameOrPath}" not found (looked in ${candidates.join(", ")})`,
    });
  }
  return found;
}

export function loadModelFile(file: string): LoadedModel {
  return loadModelText(readInputText(file, { what: "model", maxBytes: inputLimits.modelBytes }), file);
}

export function loadModelText(text: string, file: string): LoadedModel {
  const { value } = parseYamlWithSchema(text, file, modelSchema, { kind: "model" });
  return { model: value, file, sha256: canonicalSha256(value) };
}

export function loadModel(nameOrPath: string, scenarioFile?: string): LoadedModel {
  return loadModelFile(resolveModelPath(nameOrPath, scenarioFile));
}
