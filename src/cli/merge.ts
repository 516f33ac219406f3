import { resolve } from "node:path";
import type { Command } from "commander";
import { printable } from "../errors.js";
import { checkOutputFile } from "../input/paths.js";
import { formatIndexRanges, mergeSweeps, writeMergedSweep } from "../sweep/merge.js";
import { sidecarPath } from "../sweep/sidecar.js";

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description(
      "Merge sharded sweep CSVs into one, checking every point appears exactly once (docs/sweep.md)",
    )
    .argument("<csv...>", "shard CSVs written by `capsim sweep --shard` (each with its .meta.json sidecar)")
    .requiredOption("-o, --out <file.csv>", "the merged CSV (its sidecar goes to <file>.meta.json)")
    .action((files: string[], flags: { out: string }) => {
      const outPath = resolve(flags.out);
      checkOutputFile(outPath, "--out", { regularOnly: true });
      const merged = mergeSweeps(files.map((f) => resolve(f)));
      writeMergedSweep(outPath, merged);
      process.stderr.write(
        `merged ${files.length} files: ${merged.rows.size} points to ${printable(outPath)}; sidecar ${printable(sidecarPath(outPath))}\n`,
      );
      if (merged.errorPoints.length > 0) {
        process.stderr.write(
          `note: ${merged.errorPoints.length} points have status=error: ${formatIndexRanges(merged.errorPoints)}\n`,
        );
      }
    });
}
