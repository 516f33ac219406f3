/** One figure of a sweep point: mean and 95 % CI bounds (null when the run had no value). */
export interface SweepFigure {
  mean: number | null;
  lo: number | null;
  hi: number | null;
}

export interface SweepPoint {
  point: string;
  /** CSV line of the row, for messages. */
  line: number;
  /** Varied parameter values as written (`param:<dotted.path>` columns). */
  params: Map<string, string>;
  /** By `<metric>@<stage|all>`. */
  figures: Map<string, SweepFigure>;
  /** Per-server utilisation by resource name (`util:<resource>` columns). */
  utilization: Map<string, number | null>;
  bottleneck: string;
  bottleneckUtilization: number | null;
  status: string;
  error: string;
}

/** A `capsim sweep` CSV, columns grouped by role (docs/report.md lists them). */
export interface SweepTable {
  file: string;
  params: string[];
  /** `<metric>@<stage|all>` keys in column order. */
  figures: string[];
  resources: string[];
  points: SweepPoint[];
  /** The `<file>.meta.json` sidecar as parsed, when present. */
  meta?: unknown;
}

export const isOk = (p: SweepPoint): boolean => p.status === "ok" || p.status === "";
