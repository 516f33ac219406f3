import { dirname, isAbsolute, relative, resolve } from "node:path";
import { type Document, isMap, isSeq, parseDocument, type YAMLMap } from "yaml";
import { InputError } from "../errors.js";
import { describeParameterValue, type FitParameter } from "./fitParameters.js";

/** The model file as an editable YAML document (comments kept). */
export function parseModelDocument(text: string, file: string): Document {
  const doc = parseDocument(text, { schema: "core", merge: false, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new InputError({ file, path: "", message: doc.errors[0]?.message ?? "a model file is a mapping" });
  }
  return doc;
}

/**
 * Parameters the file inherits through `extends` are copied into its own document (value and source as
 * merged), so that re-parameterising the document overrides the base's. An overlay-merged value would be
 * overlaid again on reload: a model moves those through database.measured_cost_scale instead.
 */
export function inheritParameters(doc: Document, merged: unknown, paths: readonly string[]): void {
  for (const path of paths) {
    const segments = path.split(".");
    if (doc.hasIn(segments)) continue;
    const node = segments.reduce<unknown>(
      (at, seg) => (at as Record<string, unknown> | undefined)?.[seg],
      merged,
    );
    if (node !== undefined) doc.setIn(segments, doc.createNode(node));
  }
}

/** Whether an `extends` value names a file (else a model name, found wherever the copy goes). */
const isPathRef = (ref: string): boolean => ref.includes("/") || /\.ya?ml$/.test(ref);

/**
 * The document as it must read when written to `toFile` instead of `fromFile`: its relative `extends`
 * path and overlay files re-pointed from the new place, so a fitted copy elsewhere loads the same files.
 */
export function rebaseModelPaths(doc: Document, fromFile: string, toFile: string): Document {
  const out = doc.clone();
  const rebase = (ref: string): string =>
    isAbsolute(ref) ? ref : relative(dirname(toFile), resolve(dirname(fromFile), ref)) || ".";
  const parent = out.get("extends");
  if (typeof parent === "string" && isPathRef(parent)) out.set("extends", rebase(parent));
  const overlays = out.get("overlays");
  if (isSeq(overlays)) {
    overlays.items.forEach((_, i) => {
      const file = out.getIn(["overlays", i, "file"]);
      if (typeof file === "string") out.setIn(["overlays", i, "file"], rebase(file));
    });
  }
  return out;
}

/** YAML text of a model document: no re-folding of long strings, flow maps written as in the shipped models. */
export function modelDocumentText(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** One figure's relative error before and after the fit, as the model's calibration block records it. */
export interface FigureErrorRecord {
  metric: string;
  stage: string | null;
  measured: string;
  before: number | null;
  after: number | null;
}

export interface FitProvenance {
  name: string;
  /** The model file the fit started from. */
  fromFile: string;
  measuredFiles: { file: string; sha256: string }[];
  scenario: { name: string; sha256: string };
  seed: number;
  replications: number;
  evaluations: number;
  converged: boolean;
  figures: number;
  objectiveBefore: number;
  objectiveAfter: number;
  errors: FigureErrorRecord[];
}

const round = (v: number, digits = 4): number => Number(v.toPrecision(digits));

/**
 * Marks the fitted values' provenance in their `source`, renames the model and writes the
 * `calibration` block (measured files and hashes, every figure's error before and after, the seed).
 */
export function recordFit(
  doc: Document,
  params: readonly FitParameter[],
  values: readonly number[],
  prov: FitProvenance,
): Document {
  const out = doc.clone();
  const files = prov.measuredFiles.map((f) => `${f.file} (sha256 ${f.sha256.slice(0, 12)})`).join(", ");
  const byParam = new Map<string, { param: FitParameter; value: number }[]>();
  params.forEach((param, i) => {
    const key = param.paramPath.join(".");
    byParam.set(key, [...(byParam.get(key) ?? []), { param, value: values[i]! }]);
  });
  for (const fits of byParam.values()) {
    const paramPath = fits[0]!.param.paramPath;
    const before = String(out.getIn([...paramPath, "source"]) ?? "");
    const what = fits.map(({ param, value }) => describeFit(param, value)).join("; ");
    out.setIn(
      [...paramPath, "source"],
      `fitted by capsim calibrate on ${files}: ${what} (scenario ${prov.scenario.name}, seed ${prov.seed}); ` +
        `before the fit: ${before}`,
    );
  }
  out.set("name", prov.name);
  const calibration = out.createNode({
    summary: summaryText(params, prov),
    fitted_parameters: params.map((p) => p.path),
    figures: prov.figures,
    measured_files: prov.measuredFiles,
    seed: prov.seed,
    errors: prov.errors.map((e) => ({
      ...e,
      before: e.before === null ? null : round(e.before),
      after: e.after === null ? null : round(e.after),
    })),
  });
  const map = out.contents as YAMLMap;
  if (map.has("calibration")) map.set("calibration", calibration);
  else {
    const at = map.items.findIndex(
      (pair) => String((pair.key as { value?: unknown })?.value ?? pair.key) === "description",
    );
    map.items.splice(at + 1, 0, out.createPair("calibration", calibration));
  }
  appendHeaderComment(
    out,
    ` Fitted by capsim calibrate from ${prov.fromFile}: see calibration, and the source of each fitted value.`,
  );
  return out;
}

/** Adds a line to the file's opening comment, wherever the parser attached it (document, map or first key). */
function appendHeaderComment(doc: Document, line: string): void {
  const map = doc.contents as YAMLMap;
  const firstKey = map.items[0]?.key as { commentBefore?: string | null } | undefined;
  const holder: { commentBefore?: string | null } = doc.commentBefore
    ? doc
    : map.commentBefore
      ? map
      : firstKey?.commentBefore
        ? firstKey
        : doc;
  holder.commentBefore = holder.commentBefore ? `${holder.commentBefore}\n${line}` : line;
}

/** `{dist: lognormal, median_s: 0.002, p95_s: 0.04}`, as the model files write distributions. */
function flowText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${flowText(v)}`)
      .join(", ")}}`;
  }
  return String(value);
}

function describeFit(param: FitParameter, value: number): string {
  const bounds = `${describeParameterValue(param, param.lo)}..${describeParameterValue(param, param.hi)}`;
  if (param.kind === "scale") {
    return `${describeParameterValue(param, value)} on ${flowText(param.base)} (bounds ${bounds})`;
  }
  const what = param.kind === "key" ? `${param.key} ` : "";
  return `${what}${round(param.original)} -> ${describeParameterValue(param, value)} (bounds ${bounds})`;
}

function summaryText(params: readonly FitParameter[], prov: FitProvenance): string {
  const space = params.every((p) => p.logSpace)
    ? "log space"
    : "log space where bounds are positive, else linear";
  return (
    `capsim calibrate fitted ${params.length} parameter(s) to ${prov.figures} measured figure(s) by bounded ` +
    `Nelder-Mead in ${space}, minimising the sum of squared relative errors (simulated - measured) / measured, ` +
    `${round(prov.objectiveBefore)} -> ${round(prov.objectiveAfter)} in ${prov.evaluations} evaluations ` +
    `(${prov.converged ? "converged" : "evaluation budget reached"}). Every evaluation ran scenario ` +
    `${prov.scenario.name} (sha256 ${prov.scenario.sha256.slice(0, 12)}) with ${prov.replications} ` +
    `replication(s) and the same seed ${prov.seed} (common random numbers). The errors below are compare's: ` +
    `(measured - simulated mean) / simulated mean, 0 inside a measured range.`
  );
}
