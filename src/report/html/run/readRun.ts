import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../../errors.js";
import { parseJsonWithSchema } from "../../../input/jsonInput.js";
import { inputLimits } from "../../../input/limits.js";
import { readInputText } from "../../../input/readInput.js";
import { parseCsvRows } from "../../../measured/csvRows.js";
import { loadModelFile } from "../../../model/loadModel.js";
import { loadScenario } from "../../../scenario/index.js";
import { displayPath } from "../displayPath.js";
import { flattenConfig } from "./configRows.js";
import { type ConfigRow, type RunReportData, runSummarySchema, type TimeseriesColumns } from "./runData.js";

/** A run's own output, read back with the same refusals as any input (devices, pipes, oversize). */
function readText(file: string): string {
  return readInputText(file, { what: "run output", maxBytes: inputLimits.runOutputBytes });
}

/** Parses timeseries.csv (docs/output.md): a header with time_s and stage, numbers or empty cells below. */
export function parseTimeseriesCsv(text: string, file: string): TimeseriesColumns {
  const rows = parseCsvRows(text, file);
  const header = rows[0];
  if (!header) throw new InputError({ file, path: "", message: "empty file: expected a header row" });
  const timeIndex = header.fields.indexOf("time_s");
  if (timeIndex < 0)
    throw new InputError({ file, line: header.line, path: "", message: 'no "time_s" column' });
  const stageIndex = header.fields.indexOf("stage");
  const valueColumns = header.fields.flatMap((name, i) =>
    i === timeIndex || i === stageIndex ? [] : [{ name, i }],
  );
  const out: TimeseriesColumns = {
    timeSeconds: [],
    stage: [],
    columns: new Map(valueColumns.map((c) => [c.name, []])),
  };
  for (const row of rows.slice(1)) {
    const numberAt = (i: number, name: string): number | null => {
      const cell = (row.fields[i] ?? "").trim();
      if (cell === "") return null;
      const v = Number(cell);
      if (!Number.isFinite(v)) {
        throw new InputError({
          file,
          line: row.line,
          path: name,
          message: `expected a number, got "${cell}"`,
        });
      }
      return v;
    };
    const t = numberAt(timeIndex, "time_s");
    if (t === null) throw new InputError({ file, line: row.line, path: "time_s", message: "missing time" });
    out.timeSeconds.push(t);
    out.stage.push(stageIndex >= 0 ? (row.fields[stageIndex] ?? "") : "");
    for (const c of valueColumns) out.columns.get(c.name)!.push(numberAt(c.i, c.name));
  }
  return out;
}

export interface ReadRunOptions {
  /** The resolved scenario that ran (from `run --report`); else the scenario file is read if unchanged. */
  scenario?: unknown;
}

/** Reads `capsim run` output (summary.json, timeseries.csv) from a results directory. */
export function readRunResults(dir: string, opts: ReadRunOptions = {}): RunReportData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError({ file: dir, path: "", message: "not a results directory" });
  }
  const summaryFile = join(dir, "summary.json");
  const summary = parseJsonWithSchema(readText(summaryFile), summaryFile, runSummarySchema);
  const tsFile = join(dir, "timeseries.csv");
  const timeseries = parseTimeseriesCsv(readText(tsFile), tsFile);
  const scenario = opts.scenario
    ? { rows: flattenConfig(opts.scenario) }
    : configFromFile(summary.scenario.file, summary.scenario.sha256, "scenario", (f) => {
        const s = loadScenario(f);
        return { value: s.scenario, sha256: s.sha256 };
      });
  const model = configFromFile(summary.model.file, summary.model.sha256, "model", (f) => {
    const m = loadModelFile(f);
    return { value: m.model, sha256: m.sha256 };
  });
  return {
    summary,
    timeseries,
    scenarioRows: scenario.rows,
    scenarioNote: scenario.note,
    modelRows: model.rows,
    modelNote: model.note,
    source: displayPath(dir),
  };
}

/**
 * The scenario or model table, only when the file on disk is provably what ran: its canonical
 * SHA-256 must equal the one in summary.json (it differs after edits or `--set` overrides).
 */
function configFromFile(
  file: string,
  sha256: string,
  what: string,
  load: (file: string) => { value: unknown; sha256: string },
): { rows?: ConfigRow[]; note?: string } {
  const path = resolve(file);
  if (!existsSync(path))
    return { note: `The ${what} file ${file} is not readable from here, so its parameters are not shown.` };
  try {
    const loaded = load(path);
    if (loaded.sha256 !== sha256) {
      return {
        note: `The ${what} file ${file} no longer matches what ran (sha256 differs: edited, or --set overrides were used), so its parameters are not shown. capsim run --report embeds the resolved ${what}.`,
      };
    }
    return { rows: flattenConfig(loaded.value) };
  } catch (err) {
    return {
      note: `The ${what} file ${file} could not be read: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
