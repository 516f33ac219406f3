/** Values while evaluating over all steps at once: a scalar per step, or series present at some steps. */
import type { Labels } from "../series/types.js";
import { PromQLError } from "./errors.js";
import { labelsKey } from "./labels.js";

/** A series of an instant-vector result over the query's steps; `present[k]` says step k has a sample. */
export interface StepSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
}

export type Value =
  | { readonly type: "scalar"; readonly values: Float64Array }
  | { readonly type: "vector"; readonly series: StepSeries[] }
  | { readonly type: "string"; readonly value: string };

export function newSeries(labels: Labels, steps: number): StepSeries {
  return { labels, values: new Float64Array(steps), present: new Uint8Array(steps) };
}

export function hasAny(s: StepSeries): boolean {
  return s.present.indexOf(1) >= 0;
}

/**
 * Joins series whose label sets became equal (after a label was dropped). Two samples with the same
 * labels at one step is Prometheus' "vector cannot contain metrics with the same labelset" error.
 */
export function collect(series: readonly StepSeries[], pos: number): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    if (!hasAny(s)) continue;
    const key = labelsKey(s.labels);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    for (let k = 0; k < s.present.length; k++) {
      if (!s.present[k]) continue;
      if (seen.present[k]) throw new PromQLError("vector cannot contain metrics with the same labelset", pos);
      seen.present[k] = 1;
      seen.values[k] = s.values[k]!;
    }
  }
  return out;
}

/** The map's value for `key`, created by `make` when missing. */
export function getOrInsert<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}
