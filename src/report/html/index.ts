import { existsSync, lstatSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../errors.js";
import { writeFileAtomic } from "../../output/atomicFile.js";
import { readCompare, renderCompareReport } from "./compare/compareReport.js";
import { readRunResults } from "./run/readRun.js";
import { renderRunReport } from "./run/runReport.js";
import { readSweep } from "./sweep/readSweep.js";
import { renderSweepReport, type SweepReportOptions } from "./sweep/sweepReport.js";

export { type CompareData, type CompareRow, toleranceBand } from "./compare/compareData.js";
export { readCompare, renderCompareReport } from "./compare/compareReport.js";
export { parseTimeseriesCsv, readRunResults } from "./run/readRun.js";
export { renderRunReport } from "./run/runReport.js";
export { asymptoticBounds, throughputBound } from "./sweep/bounds.js";
export { parseSweepCsv, readSweep } from "./sweep/readSweep.js";
export { renderSweepReport } from "./sweep/sweepReport.js";

export type ReportKind = "run" | "sweep" | "compare";

export interface ReportInput {
  kind: ReportKind;
  /** The results directory, sweep CSV or compare JSON. */
  path: string;
}

/** A results directory (or its summary.json) is a run, a .csv a sweep, any other .json a comparison. */
export function detectReportInput(path: string): ReportInput {
  if (!existsSync(path))
    throw new InputError({ file: path, path: "", message: "cannot read: no such file or directory" });
  if (statSync(path).isDirectory()) return { kind: "run", path };
  if (basename(path) === "summary.json") return { kind: "run", path: dirname(path) };
  if (path.endsWith(".csv")) return { kind: "sweep", path };
  if (path.endsWith(".json")) return { kind: "compare", path };
  throw new InputError({
    file: path,
    path: "",
    message:
      "expected a results directory (capsim run), a sweep CSV (capsim sweep) or a compare JSON (capsim compare --json)",
  });
}

/** Where the report goes unless -o says: report.html in a results directory, else beside the input. */
export function defaultReportPath(input: ReportInput): string {
  if (input.kind === "run") return join(input.path, "report.html");
  return input.path.replace(/\.(csv|json)$/, "") + ".html";
}

export type ReportOptions = SweepReportOptions;

/**
 * A report capsim places itself is not written through a symbolic link: a folder someone handed over
 * may carry `sweep.html` (or `report.html`) as a link to `~/.bashrc`. `-o` names the place explicitly.
 */
function refuseLink(file: string): void {
  if (lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new InputError({
      file,
      path: "",
      message:
        "is a symbolic link: the report would be written through it; remove it, or choose the place with -o",
    });
  }
}

/** Renders the report for one input as a self-contained HTML string. */
export function renderReport(input: ReportInput, opts: ReportOptions = {}): string {
  switch (input.kind) {
    case "run":
      return renderRunReport(readRunResults(input.path));
    case "sweep":
      return renderSweepReport(readSweep(input.path), opts);
    case "compare":
      return renderCompareReport(readCompare(input.path), input.path);
  }
}

/** `capsim report`: detects the input, writes the HTML atomically, returns its path. */
export function writeReport(
  inputPath: string,
  outFile?: string,
  opts: ReportOptions = {},
): { kind: ReportKind; file: string } {
  const input = detectReportInput(inputPath);
  const file = resolve(outFile ?? defaultReportPath(input));
  if (outFile === undefined) refuseLink(file);
  writeFileAtomic(file, renderReport(input, opts));
  return { kind: input.kind, file };
}

/**
 * `capsim run --report`: the run report from the summary.json and timeseries.csv just written to
 * outDir, with the resolved scenario (overrides applied) embedded. Returns the report's path.
 */
export function writeRunReport(outDir: string, resolvedScenario?: unknown): string {
  const file = join(outDir, "report.html");
  writeFileAtomic(file, renderRunReport(readRunResults(outDir, { scenario: resolvedScenario })));
  return file;
}
