import { resolve } from "node:path";
import { InputError } from "../../src/errors.js";
import { loadModel } from "../../src/model/loadModel.js";
import { runScenario } from "../../src/run/runScenario.js";
import { loadScenario } from "../../src/scenario/index.js";

export const repoRoot = resolve(import.meta.dirname, "../..");

export function runFile(file: string, sets: string[] = [], replications?: number) {
  const loaded = loadScenario(resolve(repoRoot, file), sets);
  const model = loadModel(loaded.scenario.model, loaded.file);
  return runScenario(loaded, model, { replications });
}

/** The issues of the InputError `fn` throws (fails if it throws none). */
export function inputIssues(fn: () => unknown): InputError["issues"] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.issues;
    throw error;
  }
  throw new Error("expected an InputError");
}
