import { readFileSync } from "node:fs";
import type { Document } from "yaml";
import { applyParameters, type FitParameter, resolveFitParameters } from "../calibrate/fitParameters.js";
import { inheritParameters, modelDocumentText, parseModelDocument } from "../calibrate/modelDocument.js";
import { fromUnit } from "../calibrate/runCalibrate.js";
import { type LoadedModel, loadModelText } from "../model/loadModel.js";
import { canonicalSha256 } from "../scenario/canonicalJson.js";
import type { UncertaintyEntry } from "./schema.js";

/** One uncertain parameter, resolved against its model: what moves, and between which values. */
export interface UncertainParameter {
  entry: UncertaintyEntry;
  /** The fit machinery's view: a scalar value or a distribution's scale factor, with bounds lo..hi. */
  fit: FitParameter;
}

/** A model and its uncertain parameters, ready to be re-parameterised point by point. */
export interface UncertainModel {
  base: LoadedModel;
  doc: Document;
  parameters: UncertainParameter[];
}

/** The model's `uncertainty:` entries resolved to parameters with absolute bounds (factors applied). */
export function uncertainModel(base: LoadedModel, text = readFileSync(base.file, "utf8")): UncertainModel {
  const doc = parseModelDocument(text, base.file);
  const entries = base.model.uncertainty ?? [];
  inheritParameters(
    doc,
    base.model,
    entries.map((e) => e.path),
  );
  // An overlaid parameter's value is the merged one (times its scale), whatever the document says.
  const overlaid = base.overlaid ?? new Set<string>();
  for (const e of entries) {
    if (!overlaid.has(e.path)) continue;
    const node = e.path
      .split(".")
      .reduce<unknown>((at, seg) => (at as Record<string, unknown>)?.[seg], base.model);
    doc.setIn(e.path.split("."), doc.createNode(node));
  }
  const raw = doc.toJS();
  const parameters = entries.map((entry) => {
    const [probe] = resolveFitParameters(raw, [{ path: entry.path, bounds: [0.5, 2] }], base.file);
    const factor = (entry.as ?? "factor") === "factor";
    const bounds: [number, number] =
      factor && probe!.kind === "scalar"
        ? ordered(probe!.original * entry.low, probe!.original * entry.high)
        : [entry.low, entry.high];
    const [fit] = resolveFitParameters(raw, [{ path: entry.path, bounds }], base.file);
    return { entry, fit: fit! };
  });
  return { base, doc, parameters };
}

const ordered = (a: number, b: number): [number, number] => (a <= b ? [a, b] : [b, a]);

/** The parameter's value at a position in [0, 1] of its range (log scale when the range is positive). */
export function valueAt(p: UncertainParameter, unit: number): number {
  return fromUnit(p.fit, unit);
}

/**
 * The model with every uncertain parameter set to the given position in its range (0.5 is the range's
 * log-midpoint, not necessarily the model's value). The copy drops `uncertainty:` and
 * `uncertainty_ensemble:`, which describe the original.
 */
export function modelAtPoint(m: UncertainModel, unit: readonly number[]): LoadedModel {
  const values = m.parameters.map((p, i) => valueAt(p, unit[i]!));
  // A parameter an overlay sets would be overlaid again on reload, over the document's value: it moves as a
  // factor on the reloaded value instead, so a drawn measured_cost_scale still applies under it.
  const overlaid = m.base.overlaid ?? new Set<string>();
  const isOverlaid = m.parameters.map((p) => overlaid.has(p.fit.paramPath.join(".")));
  const doc = applyParameters(
    m.doc,
    m.parameters.filter((_, i) => !isOverlaid[i]).map((p) => p.fit),
    values.filter((_, i) => !isOverlaid[i]),
  );
  doc.delete("uncertainty");
  doc.delete("uncertainty_ensemble");
  const loaded = loadModelText(modelDocumentText(doc), m.base.file);
  const factors = m.parameters.flatMap((p, i) =>
    isOverlaid[i] ? [{ paramPath: p.fit.paramPath, factor: values[i]! / p.fit.original }] : [],
  );
  return factors.length === 0 ? loaded : withFactors(loaded, factors);
}

/** The loaded model with each named scalar parameter's value times its factor (and its hash recomputed). */
function withFactors(
  loaded: LoadedModel,
  factors: readonly { paramPath: string[]; factor: number }[],
): LoadedModel {
  const model = structuredClone(loaded.model) as Record<string, unknown>;
  for (const { paramPath, factor } of factors) {
    const param = paramPath.reduce<unknown>((at, seg) => (at as Record<string, unknown>)[seg], model) as {
      value: number;
    };
    param.value = Number((param.value * factor).toPrecision(6));
  }
  return { ...loaded, model: model as LoadedModel["model"], sha256: canonicalSha256(model) };
}
