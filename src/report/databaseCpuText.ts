import type { DatabaseCpuSummary, DatabaseCpuWindowSummary } from "../run/databaseCpuSummary.js";
import { formatNumber, textTable } from "./textSummary.js";

/** Rows the text report shows per window; the rest add up into "other". */
const TOP = 8;

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** "Database CPU by source": per window, the busiest sources and the rest as "other". */
export function renderDatabaseCpu(summary: DatabaseCpuSummary | undefined): string[] {
  if (!summary || summary.windows.length === 0) return [];
  return summary.windows.flatMap((w) => ["", ...windowTable(w)]);
}

function windowTable(w: DatabaseCpuWindowSummary): string[] {
  const shown = w.sources.slice(0, TOP).filter((s) => s.cpu_seconds > 0);
  const rest = w.sources.filter((s) => !shown.includes(s));
  const row = (name: string, kind: string, cpu: number, vcpu: number, share: number) => [
    name,
    kind,
    formatNumber(vcpu, 3),
    formatNumber(cpu, 4),
    pct(share),
  ];
  const rows = shown.map((s) => row(s.source, s.kind, s.cpu_seconds, s.mean_vcpu, s.share));
  const sum = (f: (s: (typeof rest)[number]) => number) => rest.reduce((a, s) => a + f(s), 0);
  if (rest.some((s) => s.cpu_seconds !== 0))
    rows.push(
      row(
        `other (${rest.length})`,
        "",
        sum((s) => s.cpu_seconds),
        sum((s) => s.mean_vcpu),
        sum((s) => s.share),
      ),
    );
  return [
    `Database CPU by source, ${w.window} (${formatNumber(w.start_s, 6)}-${formatNumber(w.end_s, 6)} s): ` +
      `${formatNumber(w.mean_vcpu, 3)} vCPU on average, ${formatNumber(w.cpu_seconds, 4)} CPU-s:`,
    textTable(["source", "kind", "vCPU", "CPU-s", "share"], rows),
  ];
}
