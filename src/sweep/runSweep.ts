import { existsSync, rmSync } from "node:fs";
import { InputError } from "../errors.js";
import { CAPSIM_VERSION } from "../version.js";
import {
  errorRow,
  layoutOfPoints,
  leadingCells,
  okRow,
  rowProblem,
  type SweepLayout,
  sealRow,
  sweepHeader,
} from "./columns.js";
import { DurableAppender, readSweepCsv, writeSweepCsv } from "./csvFile.js";
import type { PointOutcome } from "./evaluate.js";
import { gridSize } from "./grid.js";
import { lockSweep } from "./lock.js";
import type { LoadedPoint, SweepBase } from "./pointScenario.js";
import { inShard, type Shard } from "./shard.js";
import { mismatchIssue, readSidecar, type SweepMeta, sweepMismatches, writeSidecar } from "./sidecar.js";
import { type PointRunner, RunnerClosedError } from "./workerPool.js";

export interface SweepOptions {
  base: SweepBase;
  /** Every point of the grid, loaded (all shards need them for the common column layout). */
  points: readonly LoadedPoint[];
  shard: Shard | null;
  /** Overrides every point's replications (else each point's scenario value, which --vary may set). */
  replications?: number;
  /** Overrides every point's base seed (else each point's scenario value). */
  seed?: number;
  outPath: string;
  /** Continue a sweep whose CSV exists: skip its finished points, re-run its failed ones. */
  resume: boolean;
  /** Start again even if the CSV exists. */
  overwrite: boolean;
  runner: PointRunner;
  /** Stops dispatching; finished rows stay, the file is rewritten sorted. */
  signal?: AbortSignal;
  /** After each row is on disk: points done so far (including skipped ones) of the shard's total. */
  onProgress?: (done: number, total: number) => void;
  /** After each row is on disk, with what the point produced. */
  onPoint?: (point: LoadedPoint, result: { outcome?: PointOutcome; error?: string }) => void;
  /** What a resume did with the rows it found (kept, dropped and why). */
  onNote?: (message: string) => void;
}

export interface SweepResult {
  outPath: string;
  /** Points of this shard. */
  total: number;
  /** Finished points found in the file and not run again. */
  skipped: number;
  /** Rows found by --resume and dropped (torn, edited, of another scenario): their points ran again. */
  dropped: { point?: number; line?: number; reason: string }[];
  /** Points run now. */
  ran: number;
  /** Rows with status=error in the final file. */
  errors: number;
  /** Rows in the final file. */
  written: number;
  interrupted: boolean;
  layout: SweepLayout;
}

/** The sidecar of a sweep: everything the rows depend on, and nothing that varies between runs of it. */
export function sweepMeta(
  base: SweepBase,
  layout: SweepLayout,
  opts: { shard: Shard | null; replications?: number; seed?: number },
): SweepMeta {
  const { scenario, file, sha256 } = base.loaded;
  return {
    format: "capsim-sweep/1",
    capsim_version: CAPSIM_VERSION,
    scenario: { name: scenario.name, file, sha256 },
    model: { name: base.model.model.name, file: base.model.file, sha256: base.model.sha256 },
    seed: opts.seed ?? scenario.seed,
    replications: opts.replications ?? scenario.replications,
    sets: [...base.sets],
    grid: {
      axes: base.axes.map((a) => ({ path: a.path, values: a.values.map((v) => v.value) })),
      points: gridSize(base.axes),
      linked: base.link
        ? {
            path: base.link.path,
            follows: base.link.follows,
            workspaces_per_user: base.link.workspacesPerUser,
          }
        : null,
    },
    columns: sweepHeader(base.axes, layout),
    shard: opts.shard,
  };
}

/** Relative run time of a point: agents and users times simulated seconds (event count grows with both). */
export function costEstimate(p: LoadedPoint): number {
  const s = p.loaded.scenario;
  const end = Math.max(...s.stages.map((st) => st.start_s + st.duration_s));
  return (s.workload.users + s.workload.workspaces + 1) * end;
}

/** A row found by a resume that is not kept, and why. */
export interface DroppedRow {
  point?: number;
  line?: number;
  reason: string;
}

/**
 * Rows of an existing sweep that a resume keeps, after checking it is the same sweep (else bad input):
 * each row must be whole, a point of this grid and shard with its parameters, computed for that point's
 * scenario (scenario_sha256) and unedited (row_sha256). Other rows are dropped and their points re-run.
 */
function resumableRows(
  outPath: string,
  meta: SweepMeta,
  points: ReadonlyMap<number, LoadedPoint>,
): { kept: Map<number, string[]>; dropped: DroppedRow[] } {
  const previous = readSidecar(outPath);
  const mismatches = sweepMismatches(meta, previous.meta, { shard: true });
  if (mismatches.length > 0) {
    const what = "cannot resume: this is a different sweep (use another --out, or --overwrite)";
    throw new InputError(mismatches.map((m) => mismatchIssue(previous, m, what, "in this run")));
  }
  const csv = readSweepCsv(outPath, { lenient: true });
  if (csv.header.join("\u0000") !== meta.columns.join("\u0000")) {
    throw new InputError({
      file: outPath,
      line: 1,
      path: "",
      message: "cannot resume: the columns differ from this sweep's; use another --out, or --overwrite",
    });
  }
  const dropped: DroppedRow[] = csv.dropped.map((d) => ({ line: d.line, reason: d.reason }));
  for (const { index } of csv.duplicates) dropped.push({ point: index, reason: "appears more than once" });
  const kept = new Map<number, string[]>();
  const status = meta.columns.indexOf("status");
  for (const [index, row] of csv.rows) {
    const point = points.get(index);
    if (!point || !inShard(index, meta.shard)) {
      dropped.push({ point: index, reason: "not a point of this sweep's grid or shard" });
      continue;
    }
    const problem = rowProblem(row, leadingCells(point.point), point.loaded.sha256);
    if (problem) dropped.push({ point: index, reason: problem });
    // Failed points are run again: a crash may have been the machine's, not the point's.
    else if (row[status] === "ok") kept.set(index, row);
  }
  for (const d of dropped) if (d.point !== undefined) kept.delete(d.point);
  return { kept, dropped };
}

function describeDropped(d: DroppedRow): string {
  return `${d.point !== undefined ? `point ${d.point}` : `line ${d.line}`}: ${d.reason}`;
}

/**
 * Runs the shard's points on the runner and writes one CSV row per point: appended (fsync'd) as each
 * finishes, then the file is rewritten sorted by point, so its bytes do not depend on --jobs or timing.
 * An abort (Ctrl-C) keeps every finished row.
 */
export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  // Before anything reads or writes the CSV: a second sweep on the same file stops here.
  const lock = lockSweep(opts.outPath);
  if (lock.takenFrom) opts.onNote?.(`took over the lock of ${lock.takenFrom}: that process is gone`);
  try {
    return await lockedSweep(opts);
  } finally {
    lock.release();
  }
}

async function lockedSweep(opts: SweepOptions): Promise<SweepResult> {
  const layout = layoutOfPoints(opts.points);
  const meta = sweepMeta(opts.base, layout, opts);
  const header = meta.columns;
  let rows = new Map<number, string[]>();
  let dropped: DroppedRow[] = [];
  if (existsSync(opts.outPath)) {
    if (opts.resume) {
      const byIndex = new Map(opts.points.map((p) => [p.point.index, p]));
      ({ kept: rows, dropped } = resumableRows(opts.outPath, meta, byIndex));
      if (dropped.length > 0) {
        const shown = dropped.slice(0, 10).map(describeDropped).join("; ");
        const more = dropped.length > 10 ? `; ... and ${dropped.length - 10} more` : "";
        opts.onNote?.(
          `resume: dropped ${dropped.length} row(s) of ${opts.outPath}, their points run again (${shown}${more})`,
        );
      }
    } else if (!opts.overwrite) {
      throw new InputError({
        file: opts.outPath,
        path: "",
        message: "already exists: pass --resume to continue that sweep, or --overwrite to start again",
      });
    } else {
      // Gone before the new sidecar is written: a crash between the two must not leave the old sweep's
      // rows under a sidecar that passes them for this one's (another --seed keeps every scenario hash).
      rmSync(opts.outPath);
    }
  }
  const mine = opts.points.filter((p) => inShard(p.point.index, opts.shard));
  // Longest first (by a cost proxy) so the last worker to finish does not start the biggest point last.
  const todo = mine
    .filter((p) => !rows.has(p.point.index))
    .sort((a, b) => costEstimate(b) - costEstimate(a) || a.point.index - b.point.index);
  const skipped = mine.length - todo.length;
  if (opts.resume)
    opts.onNote?.(`resume: ${skipped} of ${mine.length} points done before, ${todo.length} to run`);
  writeSidecar(opts.outPath, meta);
  writeSweepCsv(opts.outPath, header, rows.values());

  const appender = new DurableAppender(opts.outPath);
  let done = skipped;
  let ran = 0;
  let interrupted = opts.signal?.aborted ?? false;
  const onAbort = () => {
    interrupted = true;
    void opts.runner.close();
  };
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const record = (p: LoadedPoint, unsealed: string[], result: { outcome?: PointOutcome; error?: string }) => {
    const cells = sealRow(unsealed, p.loaded.sha256);
    appender.append(cells);
    rows.set(p.point.index, cells);
    ran++;
    done++;
    opts.onPoint?.(p, result);
    opts.onProgress?.(done, mine.length);
  };
  try {
    opts.onProgress?.(done, mine.length);
    if (!interrupted) {
      await Promise.all(
        todo.map((p) =>
          opts.runner
            .run({
              index: p.point.index,
              loaded: p.loaded,
              model: p.model,
              replications: opts.replications,
              seed: opts.seed,
            })
            .then(
              (outcome) => record(p, okRow(p.point, layout, outcome), { outcome }),
              (error: unknown) => {
                if (error instanceof RunnerClosedError || interrupted) return;
                const message = error instanceof Error ? error.message : String(error);
                record(p, errorRow(p.point, layout, message), { error: message });
              },
            ),
        ),
      );
    }
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    appender.close();
    writeSweepCsv(opts.outPath, header, rows.values());
  }
  const status = header.indexOf("status");
  const errors = [...rows.values()].filter((r) => r[status] === "error").length;
  return {
    outPath: opts.outPath,
    total: mine.length,
    skipped,
    dropped,
    ran,
    errors,
    written: rows.size,
    interrupted,
    layout,
  };
}
