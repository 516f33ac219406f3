import { formatNumber, textTable } from "../report/textSummary.js";
import type { CompareRow } from "./compareFigures.js";
import type { CompareResult, PrometheusReport } from "./runCompare.js";
import { formatTolerance } from "./tolerance.js";
import { measuredText } from "./verdict.js";

const VERDICT_TEXT: Record<CompareRow["verdict"], string> = {
  pass: "pass",
  fail: "FAIL",
  not_simulated: "not simulated",
};

export function formatError(error: number | null): string {
  if (error === null) return "-";
  const pct = error * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(Math.abs(pct) < 10 ? 1 : 0)}%`;
}

/** The human report of `capsim compare`: the table, why figures were not simulated, and the verdict. */
export function renderCompare(result: CompareResult): string {
  const out: string[] = [];
  out.push(
    `capsim ${result.capsim_version}  compare  scenario ${result.scenario}  model ${result.model}  ` +
      `${result.replications} replication(s), seed ${result.seed}`,
  );
  for (const f of result.measured_files) {
    out.push(`measured: ${f.file} (${f.format}, ${f.figures} figure(s), sha256 ${f.sha256.slice(0, 12)})`);
  }
  if (result.stage_windows.length > 0) {
    const windows = result.stage_windows.map((s) => `${s.name} ${s.start}..${s.end}`);
    out.push(`stage windows (from ${result.window_origin}): ${windows.join(", ")}`);
  }
  out.push("");
  const manyFiles = result.measured_files.length > 1;
  const header = ["metric", "stage", "unit", "simulated", "95% CI", "measured", "error", "verdict"];
  out.push(
    textTable(
      manyFiles ? [...header, "file"] : header,
      result.rows.map((r) => {
        const cells = [
          r.metric,
          r.stage ?? "all",
          r.unit,
          formatNumber(r.simulated.mean, 4),
          r.simulated.ci95
            ? `${formatNumber(r.simulated.ci95[0], 4)} .. ${formatNumber(r.simulated.ci95[1], 4)}`
            : "-",
          measuredText(r.measured, (v) => formatNumber(v, 4)),
          formatError(r.error),
          VERDICT_TEXT[r.verdict],
        ];
        return manyFiles ? [...cells, r.file] : cells;
      }),
    ),
  );
  if (result.not_simulated.length > 0) {
    out.push("");
    out.push("Not simulated (listed, never a failure):");
    for (const r of result.not_simulated) {
      const measured = measuredText(r.measured, (v) => formatNumber(v, 4));
      out.push(`  ${r.metric} (${r.stage ?? "all"}) measured ${measured} ${r.unit}: ${r.reason}`);
    }
  }
  if (result.evaluated.length > 0) {
    out.push("");
    out.push("Figures from time series (the figure table, docs/metrics.md):");
    for (const v of result.evaluated) {
      const value = v.value === null ? "no value" : `${formatNumber(v.value, 4)} ${v.unit}`;
      const pods = v.pods === undefined ? "" : ` (${formatNumber(v.pods, 3)} pods at once)`;
      const how = v.promql === null ? "" : ` from ${v.source}, ${v.seriesCount} series${pods}: ${v.promql}`;
      out.push(`  ${v.name} (${v.stage}): ${value}${how}${v.note ? ` [${v.note}]` : ""}`);
    }
  }
  if (result.prometheus) out.push("", ...renderQueries(result.prometheus));
  if (result.skipped.length > 0) {
    out.push("");
    out.push("Ignored measurements (no figure to compare):");
    for (const s of result.skipped) out.push(`  ${s.metric} in ${s.file}: ${s.count} sample(s), ${s.reason}`);
  }
  out.push("");
  const { pass, fail, not_simulated } = result.counts;
  out.push(
    `${pass} pass, ${fail} fail, ${not_simulated} not simulated ` +
      `(a figure passes within ${formatTolerance(result.tolerance.relative)} of the simulated mean; ranges pass when they overlap that band).`,
  );
  out.push(result.passed ? "All compared figures pass." : `${fail} figure(s) outside the tolerance: exit 3.`);
  return `${out.join("\n")}\n`;
}

/** The queries sent to a Prometheus server, one line per figure and window, with the series that answered. */
export function renderQueries(p: PrometheusReport): string[] {
  const selector =
    (p.selector ? `, selector ${p.selector}` : "") +
    (p.db_selector ? `, database selector ${p.db_selector}` : "");
  const out = [
    `Queries sent to ${p.url} (step ${p.step_seconds} s; scrape interval ${p.scrape_seconds} s from ${p.scrape_from}${selector}):`,
  ];
  for (const q of p.queries)
    out.push(
      `  ${q.figure} (${q.stage}${q.part === "per_series" ? ", per-pod part" : ""}): ${q.endpoint} ${q.promql} -> ${q.series} series`,
    );
  return out;
}
