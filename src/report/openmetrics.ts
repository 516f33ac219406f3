import { InputError } from "../errors.js";
import type { ReplicationResult } from "../model/coderModel.js";
import { writeFileAtomic } from "../output/atomicFile.js";
import type { Series } from "../series/types.js";
import { type Family, metricFamilies } from "./openmetrics/families.js";
import {
  canonicalFloat,
  escapeLabelValue,
  formatSampleValue,
  formatTimestamp,
  type Labels,
  renderLabels,
} from "./openmetrics/format.js";

/** The simulated run starts here unless `--openmetrics-start` says otherwise: fixed, so output is reproducible. */
export const DEFAULT_OPENMETRICS_START = "2024-03-01T00:00:00Z";

export interface OpenMetricsOptions {
  /** Becomes the `scenario` label. */
  scenario: string;
  /** Wall-clock time of simulated t = 0, seconds since the epoch. */
  startEpochSeconds: number;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp (`2024-03-01T00:00:00Z`) for `--openmetrics-start`. */
export function parseOpenMetricsStart(text: string): number {
  const ms = RFC3339.test(text) ? Date.parse(text.replace(" ", "T")) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new InputError({
      file: "--openmetrics-start",
      path: "",
      message: `expected an RFC 3339 time such as 2024-03-01T00:00:00Z, got "${text}"`,
    });
  }
  return ms / 1000;
}

/**
 * One replication's scrapes as an OpenMetrics 1.0 exposition with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics`: the model's metric families under their own names and
 * labels, plus the scenario as a label. Families, series and points are never interleaved, and scrapes
 * without a value are left out.
 */
export function openMetricsText(rep: ReplicationResult, opts: OpenMetricsOptions): string {
  const common: Labels = [["scenario", opts.scenario]];
  const times = rep.metrics.series[0]?.times ?? [];
  const ts = Array.from(times, (t) => formatTimestamp(opts.startEpochSeconds + t));
  const out: string[] = [];
  for (const family of metricFamilies(rep)) writeFamily(out, family, common, ts);
  out.push("# EOF\n");
  return out.join("");
}

/** A counter family's name is its samples' name without `_total`. */
function familyName(f: Family): string {
  return f.spec.type === "counter" ? f.spec.name.replace(/_total$/, "") : f.spec.name;
}

const labelsOf = (s: Series, common: Labels, drop: string[] = []): Labels => [
  ...common,
  ...Object.entries(s.labels).filter(([k]) => k !== "__name__" && !drop.includes(k)),
];

function writeFamily(out: string[], f: Family, common: Labels, ts: readonly string[]): void {
  const name = familyName(f);
  out.push(`# TYPE ${name} ${f.spec.type}\n`);
  if (f.spec.unit) out.push(`# UNIT ${name} ${f.spec.unit}\n`);
  out.push(`# HELP ${name} ${escapeLabelValue(f.spec.help)}\n`);
  if (f.spec.type === "histogram") {
    writeHistogram(out, f, common, ts);
    return;
  }
  for (const s of f.series) {
    const labels = renderLabels(labelsOf(s, common));
    for (let i = 0; i < ts.length; i++) {
      const v = s.values[i]!;
      if (Number.isFinite(v)) out.push(`${f.spec.name}${labels} ${formatSampleValue(v)} ${ts[i]}\n`);
    }
  }
}

/** Per label set (without `le`), per scrape: every bucket in `le` order, then `_count` and `_sum`. */
function writeHistogram(out: string[], f: Family, common: Labels, ts: readonly string[]): void {
  const sets = new Map<string, { buckets: Series[]; sum?: Series; count?: Series }>();
  for (const s of f.series) {
    const key = renderLabels(labelsOf(s, [], ["le"]));
    const set = sets.get(key) ?? { buckets: [] };
    const suffix = s.labels.__name__!.slice(f.spec.name.length);
    if (suffix === "_bucket") set.buckets.push(s);
    else if (suffix === "_sum") set.sum = s;
    else set.count = s;
    sets.set(key, set);
  }
  const leOf = (s: Series): number =>
    s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
  for (const set of sets.values()) {
    const buckets = [...set.buckets].sort((a, b) => leOf(a) - leOf(b));
    const { sum, count } = set;
    if (!sum || !count) throw new Error(`${f.spec.name}: a label set without _sum or _count`);
    const base = labelsOf(sum, common);
    for (let i = 0; i < ts.length; i++) {
      if (!buckets.every((b) => Number.isFinite(b.values[i]!)) || !Number.isFinite(sum.values[i]!)) continue;
      for (const b of buckets) {
        const labels = renderLabels([...base, ["le", canonicalFloat(leOf(b))]]);
        out.push(`${f.spec.name}_bucket${labels} ${formatSampleValue(b.values[i]!)} ${ts[i]}\n`);
      }
      out.push(`${f.spec.name}_count${renderLabels(base)} ${formatSampleValue(count.values[i]!)} ${ts[i]}\n`);
      out.push(`${f.spec.name}_sum${renderLabels(base)} ${formatSampleValue(sum.values[i]!)} ${ts[i]}\n`);
    }
  }
}

/** `capsim run --openmetrics FILE`. */
export function writeOpenMetrics(file: string, rep: ReplicationResult, opts: OpenMetricsOptions): void {
  writeFileAtomic(file, openMetricsText(rep, opts));
}
