import { z } from "zod";
import { InputError } from "../errors.js";
import { inputLimits } from "../input/limits.js";
import { readInputText } from "../input/readInput.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import { canonicalJson } from "../scenario/index.js";

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
  grid: z.strictObject({
    axes: z.array(z.strictObject({ path: z.string(), values: z.array(z.unknown()) })),
    points: z.number().int(),
    /** A path that follows a varied one (workspaces follow users), or null. */
    linked: z
      .strictObject({ path: z.string(), follows: z.string(), workspaces_per_user: z.number() })
      .nullable(),
  }),
  columns: z.array(z.string()),
  shard: z.strictObject({ index: z.number().int(), count: z.number().int() }).nullable(),
});

export type SweepMeta = z.infer<typeof sweepMetaSchema>;

export function sidecarPath(csvPath: string): string {
  return `${csvPath}.meta.json`;
}

export function writeSidecar(csvPath: string, meta: SweepMeta): void {
  writeFileAtomic(sidecarPath(csvPath), `${JSON.stringify(meta, null, 2)}\n`);
}

export function readSidecar(csvPath: string): SweepMeta {
  const file = sidecarPath(csvPath);
  let json: unknown;
  try {
    json = JSON.parse(readInputText(file, { what: "sweep sidecar", maxBytes: inputLimits.sweepBytes }));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError({
      file,
      path: "",
      message: `cannot read the sweep's sidecar: ${(error as Error).message}`,
    });
  }
  const parsed = sweepMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({
      file,
      path: issue.path.join("."),
      message: `not a capsim sweep sidecar: ${issue.message}`,
    });
  }
  return parsed.data;
}

/**
 * What differs between two sweeps in ways that make their rows incomparable: scenario, model, capsim
 * version, seed, replications, grid or columns (and the shard, when asked). Empty when compatible.
 */
export function sweepMismatches(expected: SweepMeta, actual: SweepMeta, opts: { shard: boolean }): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  const check = (what: string, a: unknown, b: unknown) => {
    if (!same(a, b)) out.push(`${what}: ${JSON.stringify(b)} instead of ${JSON.stringify(a)}`);
  };
  check("scenario sha256", expected.scenario.sha256, actual.scenario.sha256);
  check("model sha256", expected.model.sha256, actual.model.sha256);
  check("capsim version", expected.capsim_version, actual.capsim_version);
  check("seed", expected.seed, actual.seed);
  check("replications", expected.replications, actual.replications);
  check("grid", expected.grid, actual.grid);
  if (!same(expected.columns, actual.columns)) out.push("columns differ");
  if (opts.shard) check("shard", expected.shard, actual.shard);
  return out;
}
