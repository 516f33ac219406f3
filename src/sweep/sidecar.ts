import { z } from "zod";
import { InputError, type InputIssue } from "../errors.js";
import { parseJsonWithSchema } from "../input/jsonInput.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { jsonIssue } from "../measured/jsonLocate.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import { canonicalJson } from "../scenario/index.js";
import { MAX_GRID_POINTS } from "./grid.js";

export const SWEEP_FORMAT = "capsim-sweep/1";

const fileRef = z.strictObject({ name: z.string(), file: z.string(), sha256: z.string() });

/** The JSON written next to a sweep CSV (`<csv>.meta.json`): what the rows are results of. */
export const sweepMetaSchema = z.strictObject({
  format: z.literal(SWEEP_FORMAT),
  capsim_version: z.string(),
  scenario: fileRef,
  model: fileRef,
  seed: z.number(),
  replications: z.number(),
  /** `--set` arguments applied to every point (already inside the scenario hash). */
  sets: z.array(z.string()),
  grid: z
    .strictObject({
      axes: z.array(z.strictObject({ path: z.string(), values: z.array(z.unknown()) })),
      points: z.number().int(),
      /** A path that follows a varied one (workspaces follow users), or null. */
      linked: z
        .strictObject({ path: z.string(), follows: z.string(), workspaces_per_user: z.number() })
        .nullable(),
    })
    // merge walks every point: a forged count must not make it loop for ever (or run out of memory).
    .refine(
      (g) => g.points === g.axes.reduce((n, a) => n * a.values.length, 1) && g.points <= MAX_GRID_POINTS,
      {
        path: ["points"],
        message: `must be the product of the axes' value counts, at most ${MAX_GRID_POINTS}`,
      },
    ),
  columns: z.array(z.string()),
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((s) => s.index <= s.count, { path: ["index"], message: "must be at most count" })
    .nullable(),
});

export type SweepMeta = z.infer<typeof sweepMetaSchema>;

export function sidecarPath(csvPath: string): string {
  return `${csvPath}.meta.json`;
}

export function writeSidecar(csvPath: string, meta: SweepMeta): void {
  writeFileAtomic(sidecarPath(csvPath), `${JSON.stringify(meta, null, 2)}\n`);
}

/** A sidecar read back: its text, to place problems at their line and column. */
export interface Sidecar {
  file: string;
  text: string;
  meta: SweepMeta;
}

export function readSidecar(csvPath: string): Sidecar {
  const file = sidecarPath(csvPath);
  const text = readInputText(file, { what: "sweep sidecar", maxBytes: inputLimits.sweepBytes });
  try {
    return { file, text, meta: parseJsonWithSchema(text, file, sweepMetaSchema) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      error.issues.map((i) => ({ ...i, message: `not a capsim sweep sidecar: ${i.message}` })),
    );
  }
}

/** A way two sweeps differ: where in the sidecar, and the two values. */
export interface SweepMismatch {
  path: string[];
  /** The value in the sidecar read back. */
  found: string;
  /** The value of the sweep it is compared with. */
  expected: string;
}

/**
 * What differs between two sweeps in ways that make their rows incomparable: scenario, model, capsim
 * version, seed, replications, grid or columns (and the shard, when asked). Empty when compatible.
 */
export function sweepMismatches(
  expected: SweepMeta,
  actual: SweepMeta,
  opts: { shard: boolean },
): SweepMismatch[] {
  const out: SweepMismatch[] = [];
  const check = (path: string[], a: unknown, b: unknown) => {
    const [ea, eb] = [canonicalJson(a), canonicalJson(b)];
    if (ea !== eb) out.push({ path, found: eb, expected: ea });
  };
  check(["scenario", "sha256"], expected.scenario.sha256, actual.scenario.sha256);
  check(["model", "sha256"], expected.model.sha256, actual.model.sha256);
  check(["capsim_version"], expected.capsim_version, actual.capsim_version);
  check(["seed"], expected.seed, actual.seed);
  check(["replications"], expected.replications, actual.replications);
  check(["grid", "axes"], expected.grid.axes, actual.grid.axes);
  check(["grid", "linked"], expected.grid.linked, actual.grid.linked);
  check(["columns"], expected.columns, actual.columns);
  if (opts.shard) check(["shard"], expected.shard, actual.shard);
  return out;
}

/**
 * A mismatch at its line and column in the sidecar that has it: `file:line:col: seed: <what>: 5 here,
 * 7 <against>` (against: "in this sweep", "in a.csv").
 */
export function mismatchIssue(side: Sidecar, m: SweepMismatch, what: string, against: string): InputIssue {
  const cut = (json: string) => (json.length > 120 ? `${json.slice(0, 120)}...` : json);
  return jsonIssue(
    side.text,
    side.file,
    m.path,
    `${what}: ${cut(m.found)} here, ${cut(m.expected)} ${against}`,
  );
}
