import { existsSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";
import { parseYamlWithSchema } from "../scenario/yamlDocument.js";
import {
  applyOverlayValues,
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
const partialModelSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(modelSchema.shape).map(([key, schema]) => {
      if (key === "name" || key === "description") return [key, schema];
      let inner = schema as z.ZodType;
      while (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      return [key, (inner instanceof z.ZodObject ? inner.partial() : inner).optional()];
    }),
  ),
);

const OVERLAY_SCHEMA = overlaySchema(modelSectionParams(modelSchema.shape));

export function loadModelText(text: string, file: string, depth = 0): LoadedModel {
  const partial = parseYamlWithSchema(text, file, partialModelSchema, { kind: "model" });
  const child = partial.value as Record<string, unknown> & Partial<ModelFile>;
  if (child.extends === undefined && child.overlays === undefined) {
    const { value } = parseYamlWithSchema(text, file, modelSchema, { kind: "model" });
    return { model: value, file, sha256: canonicalSha256(value) };
  }
  let raw: Record<string, unknown> = child;
  if (child.extends !== undefined) {
    if (depth >= MAX_EXTENDS_DEPTH) {
      throw new InputError({
        file,
        ...positionIn(partial.doc, text, ["extends"]),
        path: "extends",
        message: `models extend each other more than ${MAX_EXTENDS_DEPTH} deep (a cycle?)`,
      });
    }
    const basePath = resolveModelPath(child.extends, file);
    const base = loadModelText(
      readInputText(basePath, { what: "model", maxBytes: inputLimits.modelBytes }),
      basePath,
      depth + 1,
    ).model as unknown as Record<string, unknown>;
    const { calibration: _baseFit, ...baseWithoutFit } = base;
    raw = mergeModelSections(baseWithoutFit, child);
  }
  (child.overlays ?? []).forEach((ref, i) => {
    const overlayFile = overlayPath(ref.file, file);
    const overlayText = readOverlayText(overlayFile);
    const parsed = parseYamlWithSchema(overlayText, overlayFile, OVERLAY_SCHEMA, { kind: "model overlay" });
    const overlay = { file: overlayFile, text: overlayText, doc: parsed.doc, value: parsed.value };
    const values = overlayValues(overlay, ref.statements, {
      file,
      text,
      doc: partial.doc,
      path: ["overlays", i],
    });
    raw = applyOverlayValues(raw, values, overlay);
  });
  const result = modelSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      result.error.issues.slice(0, 20).map((issue) => {
        const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
        return { file, ...positionIn(partial.doc, text, path), path: path.join("."), message: issue.message };
      }),
    );
  }
  return { model: result.data, file, sha256: canonicalSha256(result.data) };
}

export function loadModel(nameOrPath: string, scenarioFile?: string): LoadedModel {
  return loadModelFile(resolveModelPath(nameOrPath, scenarioFile));
}
