import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Document } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";
import { parseYamlWithSchema } from "../scenario/yamlDocument.js";
import {
  applyOverlayValues,
  costGroupProblems,
  mergeModelSections,
  modelSectionParams,
  overlayPath,
  overlaySchema,
  overlayValues,
  positionIn,
  readOverlayText,
} from "./modelOverlay.js";
import { type ModelFile, modelSchema } from "./modelSchema.js";

/** The models/ folder shipped with capsim. */
export const SHIPPED_MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../models");

export interface LoadedModel {
  model: ModelFile;
  file: string;
  sha256: string;
  /**
   * Parameters (`section.param`) an overlay of the `extends` chain sets: merged again, times their scale,
   * whenever the file is loaded, over any value a document gives them.
   */
  overlaid?: ReadonlySet<string>;
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

/** How deep `extends` may chain (a cycle stops here too). */
const MAX_EXTENDS_DEPTH = 4;

/** The model schema with every section partial: what a file that `extends` another may hold. */
/** A section a child model may give in part: an object's keys, or a record's entries' keys (cost groups). */
function partialOf(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) return schema.partial();
  if (schema instanceof z.ZodRecord && schema.valueType instanceof z.ZodObject)
    return z.record(schema.keyType as z.ZodString, schema.valueType.partial());
  return schema;
}

const partialModelSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(modelSchema.shape).map(([key, schema]) => {
      // An ensemble is whole or absent: its points mean nothing in part.
      if (key === "name" || key === "description" || key === "uncertainty_ensemble") return [key, schema];
      let inner = schema as z.ZodType;
      while (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      return [key, partialOf(inner).optional()];
    }),
  ),
);

const OVERLAY_SCHEMA = overlaySchema(modelSectionParams(modelSchema.shape));

export function loadModelText(text: string, file: string): LoadedModel {
  const partial = parseYamlWithSchema(text, file, partialModelSchema, { kind: "model" });
  const child = partial.value as Partial<ModelFile>;
  if (child.extends === undefined && child.overlays === undefined) {
    const { value } = parseYamlWithSchema(text, file, modelSchema, { kind: "model" });
    return { model: value, file, sha256: canonicalSha256(value) };
  }
  // Overlays apply after every `extends` level is merged, base's first, all with the final model's k.
  const composed = composeModel(text, file, 0);
  let raw = composed.raw;
  const merged = new Set<string>();
  for (const pending of composed.overlays) {
    const overlayFile = overlayPath(pending.ref.file, pending.model.file);
    const overlayText = readOverlayText(overlayFile);
    const parsed = parseYamlWithSchema(overlayText, overlayFile, OVERLAY_SCHEMA, { kind: "model overlay" });
    const overlay = { file: overlayFile, text: overlayText, doc: parsed.doc, value: parsed.value };
    const values = overlayValues(overlay, pending.ref.statements, pending.model);
    for (const v of values) merged.add(`${v.section}.${v.param}`);
    raw = applyOverlayValues(raw, values, overlay);
  }
  const problems = costGroupProblems(raw, merged);
  if (problems.length > 0) {
    throw new InputError(
      problems.map((p) => ({ file, ...positionIn(partial.doc, text, p.path.split(".")), ...p })),
    );
  }
  const result = modelSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      result.error.issues.slice(0, 20).map((issue) => {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        return { file, ...positionIn(partial.doc, text, path), path: path.join("."), message: issue.message };
      }),
    );
  }
  return { model: result.data, file, sha256: canonicalSha256(result.data), overlaid: merged };
}

type RawModel = Record<string, unknown>;

/** An overlay named by some level of the `extends` chain, with where it is named (for errors). */
interface PendingOverlay {
  ref: NonNullable<ModelFile["overlays"]>[number];
  model: { file: string; text: string; doc: Document; path: (string | number)[] };
}

/** A model's sections merged down its `extends` chain, and every overlay the chain names, in order. */
function composeModel(
  text: string,
  file: string,
  depth: number,
): { raw: RawModel; overlays: PendingOverlay[] } {
  const partial = parseYamlWithSchema(text, file, partialModelSchema, { kind: "model" });
  const child = partial.value as RawModel & Partial<ModelFile>;
  const own = (child.overlays ?? []).map((ref, i) => ({
    ref,
    model: { file, text, doc: partial.doc, path: ["overlays", i] },
  }));
  if (child.extends === undefined) {
    // A complete model: checked here, where its own lines can be named.
    const raw =
      own.length > 0 ? child : parseYamlWithSchema(text, file, modelSchema, { kind: "model" }).value;
    return { raw: raw as RawModel, overlays: own };
  }
  if (depth >= MAX_EXTENDS_DEPTH) {
    throw new InputError({
      file,
      ...positionIn(partial.doc, text, ["extends"]),
      path: "extends",
      message: `models extend each other more than ${MAX_EXTENDS_DEPTH} deep (a cycle?)`,
    });
  }
  const basePath = resolveModelPath(child.extends, file);
  const base = composeModel(
    readInputText(basePath, { what: "model", maxBytes: inputLimits.modelBytes }),
    basePath,
    depth + 1,
  );
  // A fit describes the model it was made on. An ensemble is inherited: it names its model's hash, so a model
  // built on it ignores it and says why.
  const { calibration: _baseFit, ...baseWithoutFit } = base.raw;
  return { raw: mergeModelSections(baseWithoutFit, child), overlays: [...base.overlays, ...own] };
}

export function loadModel(nameOrPath: string, scenarioFile?: string): LoadedModel {
  return loadModelFile(resolveModelPath(nameOrPath, scenarioFile));
}
