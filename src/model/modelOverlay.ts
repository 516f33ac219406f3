import { createHash } from "node:crypto";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Document } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { nodeAtPath, offsetOf, type PathSegment } from "../scenario/yamlNodes.js";
import type { ModelFile } from "./modelSchema.js";

/**
 * Model composition: `extends` (a model file that changes a few parameters of another) and `overlays`
 * (measured per-statement PostgreSQL costs, `capsim measure-db` output, merged into the model with their
 * provenance and multiplied by `database.measured_cost_scale`, the one knob that converts a CPU-second of
 * the measuring machine into one of the modelled database).
 */

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** `base` with each of `child`'s sections merged parameter by parameter (a child parameter replaces the base's; `leaves_out` lists add up). */
export function mergeModelSections(base: Raw, child: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(child)) {
    const under = out[key];
    if (key === "leaves_out" && Array.isArray(value) && Array.isArray(under)) {
      // What the base leaves out, the model built on it leaves out too: its own items come after.
      out[key] = [...under, ...value];
      continue;
    }
    if (key === "measured_cost_groups" && isRecord(value) && isRecord(under)) {
      // A group is merged key by key: a child that sets only a group's scale keeps the base's params.
      out[key] = mergeModelSections(under, value);
      continue;
    }
    out[key] = isRecord(value) && isRecord(under) ? { ...under, ...value } : value;
  }
  return out;
}

/** Line and column (1-based) of a source offset. */
function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Where `path` is in a parsed document (its key if present), for a positioned error. */
export function positionIn(
  doc: Document,
  text: string,
  path: readonly PathSegment[],
): { line?: number; col?: number } {
  for (let n = path.length; n >= 0; n--) {
    const found = nodeAtPath(doc, path.slice(0, n));
    const offset = offsetOf(found?.keyNode) ?? offsetOf(found?.node);
    if (offset !== undefined) return lineColAt(text, offset);
  }
  return {};
}

const figureSchema = z.strictObject({
  value: z.number().finite(),
  unit: z.string().min(1),
  source: z.string().min(1),
  ci95: z.array(z.number()).length(2).optional(),
});

/**
 * An overlay file: only the parts the merge reads are checked strictly; `statements` entries keep
 * their other measured figures (WAL, timings) unread.
 */
export function overlaySchema(sections: Record<string, readonly string[]>) {
  const params = z.strictObject(
    Object.fromEntries(
      Object.entries(sections).map(([section, names]) => [
        section,
        z.strictObject(Object.fromEntries(names.map((n) => [n, figureSchema.optional()]))).optional(),
      ]),
    ),
  );
  return z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    measured_with: z.record(z.string(), z.unknown()).optional(),
    model_parameters: params.optional(),
    statements: z
      .record(
        z.string(),
        z.looseObject({
          cpu_s_per_execution: figureSchema.optional(),
          rows_per_execution: figureSchema.optional(),
        }),
      )
      .optional(),
  });
}

export type OverlayFile = z.output<ReturnType<typeof overlaySchema>>;

export interface LoadedOverlay {
  file: string;
  text: string;
  doc: Document;
  value: OverlayFile;
}

/** Reads an overlay file named by a model (relative to the model's folder). */
export function overlayPath(ref: string, modelFile: string): string {
  return isAbsolute(ref) ? ref : resolve(dirname(modelFile), ref);
}

export function readOverlayText(file: string): string {
  return readInputText(file, { what: "model overlay", maxBytes: inputLimits.measuredYamlBytes });
}

/** A path as a reader should see it: relative to the working directory when below it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

interface MergedValue {
  section: string;
  param: string;
  value: number;
  source: string;
}

/**
 * The values an overlay gives: its `model_parameters`, then the model's `statements` mapping (a
 * parameter set to the sum of statements' CPU per execution). Every one must be CPU-seconds.
 */
export function overlayValues(
  overlay: LoadedOverlay,
  statements: Record<string, string[]> | undefined,
  model: { file: string; text: string; doc: Document; path: PathSegment[] },
): MergedValue[] {
  const out: MergedValue[] = [];
  const wrongUnit = (path: PathSegment[], unit: string): InputError =>
    new InputError({
      file: overlay.file,
      ...positionIn(overlay.doc, overlay.text, path),
      path: path.join("."),
      message: `unit ${unit}: only CPU-seconds (unit s) can be merged into a model`,
    });
  for (const [section, params] of Object.entries(overlay.value.model_parameters ?? {})) {
    for (const [param, figure] of Object.entries(params ?? {})) {
      if (!figure) continue;
      if (figure.unit !== "s") throw wrongUnit(["model_parameters", section, param, "unit"], figure.unit);
      out.push({ section, param, value: figure.value, source: figure.source });
    }
  }
  for (const [target, refs] of Object.entries(statements ?? {})) {
    const [section, param] = target.split(".") as [string, string];
    let value = 0;
    const sources: string[] = [];
    for (const ref of refs) {
      const [id, per] = ref.split("/") as [string, string | undefined];
      const entry = overlay.value.statements?.[id];
      const cpu = entry?.cpu_s_per_execution;
      const rows = entry?.rows_per_execution?.value;
      const refusal = !entry
        ? `statement ${id} is not in ${shown(overlay.file)}`
        : !cpu
          ? `statement ${id} has no cpu_s_per_execution in ${shown(overlay.file)}`
          : per === "rows" && !(rows !== undefined && rows > 0)
            ? `statement ${id} has no positive rows_per_execution to divide by`
            : per !== undefined && per !== "rows" && !(Number(per) > 0)
              ? `${ref}: divide by "rows" or a positive number`
              : undefined;
      if (refusal) {
        const path = [...model.path, "statements", target];
        throw new InputError({
          file: model.file,
          ...positionIn(model.doc, model.text, path),
          path: path.join("."),
          message: refusal,
        });
      }
      if (cpu!.unit !== "s") throw wrongUnit(["statements", id, "cpu_s_per_execution", "unit"], cpu!.unit);
      // A number divides by what one execution covers (e.g. the pairs a ranking query joins).
      const divisor = per === undefined ? 1 : per === "rows" ? rows! : Number(per);
      value += cpu!.value / divisor;
      const shownDivisor = per === undefined ? "" : per === "rows" ? ` / ${rows} rows` : ` / ${divisor}`;
      sources.push(`${id}${shownDivisor}: ${cpu!.source}`);
    }
    out.push({ section, param, value, source: sources.join(" + ") });
  }
  return out;
}

interface CostScale {
  k: number;
  text: string;
}

/**
 * The scale of each overlay-merged parameter `section.param`: the scale of the `measured_cost_groups` entry
 * naming it, else database.measured_cost_scale k (1 when the model has none).
 */
export function costScales(raw: Raw): (section: string, param: string) => CostScale {
  const scale = (raw.database as Raw | undefined)?.measured_cost_scale as
    | { value: number; source: string }
    | undefined;
  const rest: CostScale = scale
    ? { k: scale.value, text: `x database.measured_cost_scale k = ${scale.value} (${scale.source})` }
    : { k: 1, text: "x 1 (the model has no database.measured_cost_scale)" };
  const byParam = new Map<string, CostScale>();
  for (const [name, group] of Object.entries((raw.measured_cost_groups as Raw | undefined) ?? {})) {
    const g = group as { scale: { value: number; source: string }; params: string[] };
    const k = g.scale.value;
    for (const p of g.params)
      byParam.set(p, { k, text: `x measured_cost_groups.${name} scale = ${k} (${g.scale.source})` });
  }
  return (section, param) => byParam.get(`${section}.${param}`) ?? rest;
}

/** `measured_cost_groups` parameters named by more than one group, or merged by no overlay: each a reason. */
export function costGroupProblems(
  raw: Raw,
  merged: ReadonlySet<string>,
): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  for (const [name, group] of Object.entries((raw.measured_cost_groups as Raw | undefined) ?? {})) {
    ((group as { params?: string[] }).params ?? []).forEach((p, i) => {
      const path = `measured_cost_groups.${name}.params.${i}`;
      const other = seen.get(p);
      if (other) out.push({ path, message: `${p} is already scaled by group ${other}` });
      else if (!merged.has(p))
        out.push({ path, message: `${p} is set by no overlay: the scale would multiply nothing` });
      seen.set(p, name);
    });
  }
  return out;
}

/**
 * Merges overlay values into a (merged) raw model: each value times its scale (costScales), its source
 * naming the overlay file (with its hash), the measurement and the scale.
 */
export function applyOverlayValues(raw: Raw, values: readonly MergedValue[], overlay: LoadedOverlay): Raw {
  const scaleOf = costScales(raw);
  const sha = createHash("sha256").update(overlay.text).digest("hex").slice(0, 12);
  const out: Raw = { ...raw };
  for (const v of values) {
    const { k, text } = scaleOf(v.section, v.param);
    const section: Raw = { ...((out[v.section] as Raw | undefined) ?? {}) };
    section[v.param] = {
      value: Number((v.value * k).toPrecision(6)),
      source: `overlay ${shown(overlay.file)} (sha256 ${sha}): ${Number(v.value.toPrecision(4))} s measured ${text}; ${v.source}`,
    };
    out[v.section] = section;
  }
  return out;
}

/** The parameter names of each section of the model schema, for checking an overlay's targets. */
export function modelSectionParams(shape: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, schema] of Object.entries(shape)) {
    let s = schema as { unwrap?: () => unknown; shape?: Record<string, unknown> };
    while (!s.shape && typeof s.unwrap === "function") s = s.unwrap() as typeof s;
    if (s.shape && key !== "calibration" && key !== "uncertainty_ensemble") out[key] = Object.keys(s.shape);
  }
  return out;
}

export type { ModelFile };
