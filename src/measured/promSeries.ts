import { counterRates, histogramIncreases, seriesKey } from "./reduce.js";
import type { Histogram, MeasuredSample, MeasuredSource } from "./sample.js";
import { rateUnitOfPromName, unitOfPromName } from "./units.js";

/** One sample line of a scrape (or one point of an API result) before interpretation. */
export interface RawPoint {
  name: string;
  labels: Record<string, string>;
  /** Unix seconds, or null when the line had no timestamp. */
  t: number | null;
  value: number;
  line?: number;
}

/** Metric types of the text format and OpenMetrics. */
export type PromType =
  | "counter"
  | "gauge"
  | "histogram"
  | "gaugehistogram"
  | "summary"
  | "untyped"
  | "info"
  | "stateset"
  | "unknown";

interface Context {
  source: MeasuredSource;
  file: string;
  /** Positions a problem; must throw. */
  fail(line: number | undefined, message: string): never;
}

type Role =
  | { kind: "counter" | "gauge" | "skip" }
  | { kind: "bucket" | "sum" | "count"; family: string; gauge: boolean };

function withoutSuffix(name: string, suffix: string): string | undefined {
  return name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
}

/** Decides what a point is from TYPE lines and, failing those, the naming conventions. */
function roleOf(
  point: RawPoint,
  types: ReadonlyMap<string, PromType>,
  bucketFamilies: ReadonlySet<string>,
): Role {
  const { name, labels } = point;
  const bucketFamily = withoutSuffix(name, "_bucket");
  if (bucketFamily !== undefined && "le" in labels) {
    const type = types.get(bucketFamily);
    if (type === undefined || type === "histogram" || type === "gaugehistogram" || type === "unknown") {
      return { kind: "bucket", family: bucketFamily, gauge: type === "gaugehistogram" };
    }
  }
  for (const [suffix, kind] of [
    ["_sum", "sum"],
    ["_count", "count"],
    ["_gsum", "sum"],
    ["_gcount", "count"],
  ] as const) {
    const family = withoutSuffix(name, suffix);
    if (family === undefined) continue;
    const type = types.get(family);
    if (
      type === "histogram" ||
      type === "gaugehistogram" ||
      (type === undefined && bucketFamilies.has(family))
    ) {
      return { kind, family, gauge: type === "gaugehistogram" };
    }
    if (type === "summary") return { kind: "counter" };
  }
  const createdOf = withoutSuffix(name, "_created");
  if (createdOf !== undefined && ["counter", "histogram", "summary"].includes(types.get(createdOf) ?? "")) {
    return { kind: "skip" };
  }
  const own = types.get(name) ?? types.get(withoutSuffix(name, "_total") ?? "");
  if (own === "counter") return { kind: "counter" };
  if (own === undefined && name.endsWith("_total")) return { kind: "counter" };
  return { kind: "gauge" };
}

/**
 * Turns scraped points into samples: counters become per-second rates between consecutive points of a
 * series (a lone point stays a cumulative total), gauges stay values, histogram lines are assembled
 * into histograms at each timestamp, plus the increase between consecutive ones.
 */
export function pointsToSamples(
  points: readonly RawPoint[],
  types: ReadonlyMap<string, PromType>,
  ctx: Context,
): MeasuredSample[] {
  const bucketFamilies = new Set<string>();
  for (const p of points) {
    const family = withoutSuffix(p.name, "_bucket");
    if (family !== undefined && "le" in p.labels) bucketFamilies.add(family);
  }
  const counters: RawPoint[] = [];
  const parts: { point: RawPoint; role: Extract<Role, { family: string }> }[] = [];
  const samples: MeasuredSample[] = [];
  for (const point of points) {
    const role = roleOf(point, types, bucketFamilies);
    if (role.kind === "counter") counters.push(point);
    else if (role.kind === "gauge") samples.push(gaugeSample(point, ctx));
    else if (role.kind === "bucket" || role.kind === "sum" || role.kind === "count")
      parts.push({ point, role });
  }
  // concat, not push(...): spreading 100 000+ samples as arguments overflows the stack.
  return samples.concat(counterSamples(counters, ctx), histogramSamples(parts, ctx));
}

function base(point: RawPoint, ctx: Context, unit: string): MeasuredSample {
  return {
    source: ctx.source,
    metric: point.name,
    rawMetric: point.name,
    labels: point.labels,
    stage: null,
    unit,
    scope: null,
    t: point.t,
    file: ctx.file,
    ...(point.line === undefined ? {} : { line: point.line }),
  };
}

function gaugeSample(point: RawPoint, ctx: Context): MeasuredSample {
  return { ...base(point, ctx, unitOfPromName(point.name)), value: point.value };
}

function counterSamples(points: readonly RawPoint[], ctx: Context): MeasuredSample[] {
  const out: MeasuredSample[] = [];
  for (const series of groupBy(points, (p) =>
    seriesKey({ file: ctx.file, rawMetric: p.name, labels: p.labels }),
  )) {
    const first = series[0]!;
    if (series.length === 1) {
      out.push({
        ...base(first, ctx, unitOfPromName(first.name)),
        value: first.value,
        derived: "cumulative",
        note: "counter seen once: total since the process started",
      });
      continue;
    }
    const timed = series.filter((p): p is RawPoint & { t: number } => p.t !== null).sort((a, b) => a.t - b.t);
    if (timed.length !== series.length) {
      ctx.fail(
        series.find((p) => p.t === null)?.line,
        `counter ${first.name} appears more than once without timestamps`,
      );
    }
    checkDistinctTimes(timed, ctx);
    const lines = new Map(timed.map((p) => [p.t, p.line]));
    for (const rate of counterRates(timed)) {
      const line = lines.get(rate.t);
      out.push({
        ...base(
          { ...first, t: rate.t, ...(line === undefined ? {} : { line }) },
          ctx,
          rateUnitOfPromName(first.name),
        ),
        value: rate.value,
        derived: "rate",
        intervalSeconds: rate.intervalSeconds,
      });
    }
  }
  return out;
}

function checkDistinctTimes(sorted: readonly (RawPoint & { t: number })[], ctx: Context): void {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.t === sorted[i - 1]!.t) {
      ctx.fail(sorted[i]!.line, `${sorted[i]!.name} has two values at the same timestamp`);
    }
  }
}

interface HistogramAtTime {
  family: string;
  labels: Record<string, string>;
  t: number | null;
  line: number | undefined;
  gauge: boolean;
  buckets: Map<number, number>;
  count?: number;
  sum?: number;
}

function histogramSamples(
  parts: readonly { point: RawPoint; role: Extract<Role, { family: string }> }[],
  ctx: Context,
): MeasuredSample[] {
  const byKey = new Map<string, HistogramAtTime>();
  for (const { point, role } of parts) {
    const labels = { ...point.labels };
    const leText = labels.le;
    delete labels.le;
    const key = JSON.stringify([seriesKey({ file: ctx.file, rawMetric: role.family, labels }), point.t]);
    let h = byKey.get(key);
    if (!h) {
      h = {
        family: role.family,
        labels,
        t: point.t,
        line: point.line,
        gauge: role.gauge,
        buckets: new Map(),
      };
      byKey.set(key, h);
    }
    if (role.kind === "bucket") {
      const le = leText === undefined ? Number.NaN : parseLe(leText);
      if (Number.isNaN(le)) ctx.fail(point.line, `${point.name}: le="${leText}" is not a number`);
      if (h.buckets.has(le))
        ctx.fail(point.line, `${point.name}{le="${leText}"} appears twice in one scrape`);
      h.buckets.set(le, point.value);
    } else if (role.kind === "count") h.count = point.value;
    else h.sum = point.value;
  }
  const out: MeasuredSample[] = [];
  const bySeries = groupBy([...byKey.values()], (h) =>
    seriesKey({ file: ctx.file, rawMetric: h.family, labels: h.labels }),
  );
  for (const series of bySeries) {
    const built = series.map((h) => ({ at: h, histogram: assemble(h, ctx) }));
    for (const { at, histogram } of built) {
      out.push({
        ...histBase(at, ctx),
        histogram,
        ...(at.gauge ? {} : { derived: "cumulative" as const }),
      });
    }
    if (series[0]!.gauge) continue;
    const timed = built.filter(
      (b): b is { at: HistogramAtTime & { t: number }; histogram: Histogram } => b.at.t !== null,
    );
    if (timed.length !== built.length && built.length > 1) {
      ctx.fail(
        series.find((h) => h.t === null)?.line,
        `histogram ${series[0]!.family} appears more than once without timestamps`,
      );
    }
    const lines = new Map(timed.map((b) => [b.at.t, b.at.line]));
    for (const inc of histogramIncreases(timed.map((b) => ({ t: b.at.t, histogram: b.histogram })))) {
      out.push({
        ...histBase({ ...series[0]!, t: inc.t, line: lines.get(inc.t) }, ctx),
        histogram: inc.histogram,
        derived: "increase",
        intervalSeconds: inc.intervalSeconds,
      });
    }
  }
  return out;
}

function histBase(h: HistogramAtTime, ctx: Context): MeasuredSample {
  return {
    source: ctx.source,
    metric: h.family,
    rawMetric: h.family,
    labels: h.labels,
    stage: null,
    unit: unitOfPromName(h.family),
    scope: null,
    t: h.t,
    file: ctx.file,
    ...(h.line === undefined ? {} : { line: h.line }),
  };
}

function parseLe(text: string): number {
  if (text === "+Inf" || text === "Inf" || text === "inf" || text === "+inf") return Number.POSITIVE_INFINITY;
  return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

function assemble(h: HistogramAtTime, ctx: Context): Histogram {
  if (h.buckets.size === 0) ctx.fail(h.line, `histogram ${h.family} has _sum/_count but no _bucket lines`);
  const buckets = [...h.buckets.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const top = buckets[buckets.length - 1]!;
  if (top.le !== Number.POSITIVE_INFINITY) {
    if (h.count === undefined)
      ctx.fail(h.line, `histogram ${h.family} has no le="+Inf" bucket and no _count`);
    buckets.push({ le: Number.POSITIVE_INFINITY, count: h.count });
  }
  const count = h.count ?? buckets[buckets.length - 1]!.count;
  return { buckets, count, sum: h.sum ?? Number.NaN };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}
