import { InputError } from "../errors.js";
import type { ReplicationResult } from "../model/coderModel.js";
import { writeFileAtomic } from "../output/atomicFile.js";
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
 * `promtool tsdb create-blocks-from openmetrics`. Every series carries `simulated="true"` and the
 * scenario; families, series and points are never interleaved, and scrapes without a value are left out.
 */
export function openMetricsText(rep: ReplicationResult, opts: OpenMetricsOptions): string {
  const common: Labels = [
    ["simulated", "true"],
    ["scenario", opts.scenario],
  ];
  const ts = rep.times.map((t) => formatTimestamp(opts.startEpochSeconds + t));
  const out: string[] = [];
  for (const family of metricFamilies(rep)) writeFamily(out, family, common, ts);
  out.push("# EOF\n");
  return out.join("");
}

function writeFamily(out: string[], f: Family, common: Labels, ts: readonly string[]): void {
  out.push(`# TYPE ${f.name} ${f.kind}\n`);
  if (f.unit) out.push(`# UNIT ${f.name} ${f.unit}\n`);
  out.push(`# HELP ${f.name} ${escapeLabelValue(f.help)}\n`);
  if (f.kind === "histogram") {
    const labels = [...common, ...f.labels];
    const les = [...f.bounds.map(canonicalFloat), "+Inf"];
    const inf = f.buckets[f.buckets.length - 1]!;
    for (let i = 0; i < ts.length; i++) {
      if (!f.buckets.every((b) => Number.isFinite(b[i])) || !Number.isFinite(f.sum[i])) continue;
      f.buckets.forEach((b, k) => {
        out.push(
          `${f.name}_bucket${renderLabels([...labels, ["le", les[k]!]])} ${formatSampleValue(b[i]!)} ${ts[i]}\n`,
        );
      });
      out.push(`${f.name}_count${renderLabels(labels)} ${formatSampleValue(inf[i]!)} ${ts[i]}\n`);
      out.push(`${f.name}_sum${renderLabels(labels)} ${formatSampleValue(f.sum[i]!)} ${ts[i]}\n`);
    }
    return;
  }
  const sampleName = f.kind === "counter" ? `${f.name}_total` : f.name;
  for (const series of f.series) {
    const labels = renderLabels([...common, ...series.labels]);
    series.values.forEach((v, i) => {
      if (Number.isFinite(v) && i < ts.length)
        out.push(`${sampleName}${labels} ${formatSampleValue(v)} ${ts[i]}\n`);
    });
  }
}

/** `capsim run --openmetrics FILE`. */
export function writeOpenMetrics(file: string, rep: ReplicationResult, opts: OpenMetricsOptions): void {
  writeFileAtomic(file, openMetricsText(rep, opts));
}
