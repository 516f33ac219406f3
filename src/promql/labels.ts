/** Label-set helpers with Prometheus' semantics: an empty value is an absent label. */
import type { Labels } from "../series/types.js";

export const NAME = "__name__";

/** A canonical string for a label set (sorted names; empty values left out). */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = "";
  for (const n of names) {
    const v = labels[n]!;
    if (v !== "") key += `${n}\xff${v}\xff`;
  }
  return key;
}

export function dropName(labels: Labels): Labels {
  if (!(NAME in labels)) return labels;
  const { [NAME]: _, ...rest } = labels;
  return rest;
}

/** Only the listed labels (those present). */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== "") out[n] = v;
  }
  return out;
}

/** All labels but the listed ones. */
export function removeLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const [n, v] of Object.entries(labels)) if (!names.includes(n) && v !== "") out[n] = v;
  return out;
}

/** Vector matching signature: on(names) keeps them, ignoring(names) drops them and the metric name. */
export function matchSignature(labels: Labels, on: boolean, names: readonly string[]): string {
  return labelsKey(on ? keepLabels(labels, names) : removeLabels(labels, [...names, NAME]));
}

/** Prometheus' labels.Compare order, for sorting results. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strconv.ParseFloat as the `le` label needs it: decimal, exponent, Inf/NaN; anything else is NaN. */
export function parseGoFloat(text: string): number {
  const lower = text.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return Number.NaN;
  if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/.test(lower)) return Number(text);
  return Number.NaN;
}
