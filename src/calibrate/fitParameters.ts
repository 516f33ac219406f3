import type { Document } from "yaml";
import { InputError } from "../errors.js";
import type { FitSpec } from "./fitSpec.js";

/**
 * What a fit varies: a scalar parameter's value, one key of a distribution, or a positive factor on
 * every location/scale key of a distribution (median and p95 together, mean, ...) so its shape is kept.
 */
export type FitKind = "scalar" | "key" | "scale";

export interface FitParameter {
  /** The path as the user wrote it, normalised (`coderd.agent_rpc_cpu_s`, `coderd.agent_rpc_cpu_s.p95_s`). */
  path: string;
  /** Path to the `{value, source}` mapping. */
  paramPath: string[];
  kind: FitKind;
  /** The distribution key a `key` fit sets, as written in the file (`p95_s`). */
  key?: string;
  /** The model's value (1 for a scale factor). */
  original: number;
  /** Where the search starts: the original, clamped into the bounds. */
  start: number;
  lo: number;
  hi: number;
  /** Searched in log space when the bounds are positive (costs and durations span decades). */
  logSpace: boolean;
  /** The distribution (or number) a scale fit multiplies. */
  base?: unknown;
}

/** Default bounds: the model's value /4 .. ×4 (a factor 0.25 .. 4 for a whole distribution). */
export const DEFAULT_BOUND_FACTOR = 4;

// Duration keys (bare, _s or _ms) that move with the distribution's scale; shape keys (sigma, cv,
// shape, k) stay; mu (log-scale location) shifts by ln(factor).
const SCALED_KEYS = new Set([
  "value",
  "mean",
  "median",
  "p95",
  "min",
  "max",
  "sd",
  "scale",
  "samples",
  "buckets",
]);
const bareKey = (key: string): string => key.replace(/_(m?s)$/, "");

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const isParam = (v: unknown): v is Raw => isRecord(v) && "value" in v && "source" in v;
const isDist = (v: unknown): v is Raw => isRecord(v) && typeof v.dist === "string";

/** Checks every `--fit` against the model and resolves its kind, start and bounds; all problems at once. */
export function resolveFitParameters(
  modelRaw: unknown,
  specs: readonly FitSpec[],
  modelFile: string,
): FitParameter[] {
  const issues: { file: string; path: string; message: string }[] = [];
  const out: FitParameter[] = [];
  for (const spec of specs) {
    try {
      const param = resolveOne(modelRaw, spec, modelFile);
      if (out.some((p) => p.path === param.path)) throw fitError(spec, "is given twice");
      out.push(param);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  if (out.length === 0)
    throw new InputError({ file: "--fit", path: "", message: "name at least one parameter to fit" });
  return out;
}

function fitError(spec: FitSpec, message: string): InputError {
  return new InputError({ file: "--fit", path: spec.path, message });
}

function resolveOne(modelRaw: unknown, spec: FitSpec, modelFile: string): FitParameter {
  const segments = spec.path.split(".");
  let node: unknown = modelRaw;
  let i = 0;
  for (; i < segments.length && !isParam(node); i++) {
    const seg = segments[i]!;
    if (!isRecord(node) || !Object.hasOwn(node, seg)) {
      const where = segments.slice(0, i).join(".") || "the model";
      const here = node;
      const keys = isRecord(here) ? Object.keys(here).filter((k) => isRecord(here[k])) : [];
      throw fitError(
        spec,
        `${where} has no ${seg} in ${modelFile}; it has ${keys.join(", ") || "no parameters"}`,
      );
    }
    node = node[seg];
  }
  if (!isParam(node)) {
    const names = isRecord(node) ? Object.keys(node).join(", ") : "";
    throw fitError(
      spec,
      isRecord(node) ? `is a group: name one of its parameters (${names})` : "is not a parameter",
    );
  }
  const paramPath = segments.slice(0, i);
  const rest = segments.slice(i);
  if (rest[0] === "value") rest.shift();
  const value = node.value;
  if (rest.length === 0) {
    if (typeof value === "number")
      return withBounds(spec, { path: paramPath.join("."), paramPath, kind: "scalar", original: value });
    if (isDist(value)) {
      if (!Object.keys(value).some((k) => SCALED_KEYS.has(bareKey(k)) || bareKey(k) === "mu")) {
        throw fitError(spec, `${value.dist} has no location or scale key to fit`);
      }
      return withBounds(spec, {
        path: paramPath.join("."),
        paramPath,
        kind: "scale",
        original: 1,
        base: value,
      });
    }
    throw fitError(spec, `is ${JSON.stringify(value)}, not a number or a distribution`);
  }
  if (rest.length > 1)
    throw fitError(
      spec,
      `${paramPath.join(".")} is a parameter; only one key of its distribution can follow`,
    );
  if (!isDist(value))
    throw fitError(spec, `${paramPath.join(".")} is not a distribution, so it has no key ${rest[0]}`);
  const wanted = rest[0]!;
  const key = Object.keys(value).find((k) => k === wanted || bareKey(k) === wanted);
  const numeric = Object.keys(value).filter((k) => typeof value[k] === "number");
  if (key === undefined || typeof value[key] !== "number") {
    throw fitError(
      spec,
      `${value.dist} at ${paramPath.join(".")} has no number ${wanted}; it has ${numeric.join(", ")}`,
    );
  }
  return withBounds(spec, {
    path: [...paramPath, key].join("."),
    paramPath,
    kind: "key",
    key,
    original: value[key] as number,
  });
}

function withBounds(spec: FitSpec, p: Omit<FitParameter, "start" | "lo" | "hi" | "logSpace">): FitParameter {
  let bounds = spec.bounds;
  if (!bounds) {
    if (!(p.original > 0)) {
      throw fitError(spec, `the model's value is ${p.original}; give bounds: --fit ${spec.path}=lo..hi`);
    }
    bounds = [p.original / DEFAULT_BOUND_FACTOR, p.original * DEFAULT_BOUND_FACTOR];
  }
  const [lo, hi] = bounds;
  if (p.kind === "scale" && lo <= 0)
    throw fitError(spec, "a distribution's scale factor must be positive: bounds like 0.5..2");
  return { ...p, lo, hi, logSpace: lo > 0, start: Math.min(hi, Math.max(lo, p.original)) };
}

/** 4 significant digits: what the written model file holds, and what every evaluation uses. */
export function roundValue(v: number): number {
  return Number(v.toPrecision(4));
}

/** Sets `values` (one per parameter, in the parameter's own terms) into a copy of the model document. */
export function applyParameters(
  doc: Document,
  params: readonly FitParameter[],
  values: readonly number[],
): Document {
  const copy = doc.clone();
  params.forEach((p, i) => {
    const v = values[i]!;
    if (p.kind === "scalar") copy.setIn([...p.paramPath, "value"], roundValue(v));
    else if (p.kind === "key") copy.setIn([...p.paramPath, "value", p.key!], roundValue(v));
    else if (typeof p.base === "number") copy.setIn([...p.paramPath, "value"], roundValue(p.base * v));
    else {
      for (const [key, scaled] of Object.entries(scaleDistribution(p.base as Raw, v))) {
        copy.setIn([...p.paramPath, "value", key], scaled);
      }
    }
  });
  return copy;
}

/** The keys of a distribution spec that change when it is scaled by `factor`, with their new values. */
export function scaleDistribution(spec: Raw, factor: number): Raw {
  const out: Raw = {};
  for (const [key, value] of Object.entries(spec)) {
    const bare = bareKey(key);
    if (bare === "mu" && typeof value === "number") out[key] = Number((value + Math.log(factor)).toFixed(6));
    else if (!SCALED_KEYS.has(bare)) continue;
    else if (typeof value === "number") out[key] = roundValue(value * factor);
    else if (bare === "samples" && Array.isArray(value))
      out[key] = value.map((s) => roundValue((s as number) * factor));
    else if (bare === "buckets" && Array.isArray(value)) {
      out[key] = value.map((b) => {
        const { le, count } = b as { le: unknown; count: unknown };
        return { le: typeof le === "number" && Number.isFinite(le) ? roundValue(le * factor) : le, count };
      });
    }
  }
  return out;
}

/** "0.00085", "×1.23" (scale factor). */
export function describeParameterValue(p: FitParameter, v: number): string {
  return p.kind === "scale" ? `×${roundValue(v)}` : `${roundValue(v)}`;
}
