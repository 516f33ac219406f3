import type { Labels, Series, SeriesSet } from "./types.js";

/** Label matchers of equality only (`{pod: "coder-0"}`), as in a PromQL selector with `=`. */
export type Matchers = Readonly<Record<string, string>>;

/** The series named `name` whose labels equal every matcher, in the set's order. */
export function select(set: SeriesSet, name: string, matchers: Matchers = {}): Series[] {
  const keys = Object.keys(matchers);
  return set.series.filter(
    (s) => s.labels.__name__ === name && keys.every((k) => s.labels[k] === matchers[k]),
  );
}

/** The one series `select` finds, or undefined when there is none (an error when there are several). */
export function selectOne(set: SeriesSet, name: string, matchers: Matchers = {}): Series | undefined {
  const found = select(set, name, matchers);
  if (found.length > 1)
    throw new RangeError(`${seriesKey({ __name__: name, ...matchers })}: ${found.length} series`);
  return found[0];
}

/** Prometheus' text notation of a series: `name{a="x",b="y"}` (labels sorted, `__name__` outside). */
export function seriesKey(labels: Labels): string {
  const pairs = Object.keys(labels)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}="${escapeValue(labels[k]!)}"`);
  const name = labels.__name__ ?? "";
  return pairs.length === 0 ? name : `${name}{${pairs.join(",")}}`;
}

/** The labels of a series written as `seriesKey` writes it; undefined when the text is not one. */
export function parseSeriesKey(text: string): Labels | undefined {
  const open = text.indexOf("{");
  if (open < 0) return text.length > 0 ? { __name__: text } : undefined;
  if (!text.endsWith("}")) return undefined;
  const labels: Record<string, string> = { __name__: text.slice(0, open) };
  let i = open + 1;
  const end = text.length - 1;
  while (i < end) {
    const eq = text.indexOf('="', i);
    if (eq < 0) return undefined;
    const name = text.slice(i, eq);
    let value = "";
    let j = eq + 2;
    for (; j < end && text[j] !== '"'; j++) {
      if (text[j] === "\\" && j + 1 < end) {
        j++;
        value += text[j] === "n" ? "\n" : text[j];
      } else value += text[j];
    }
    if (j >= end) return undefined;
    labels[name] = value;
    i = text[j + 1] === "," ? j + 2 : j + 1;
  }
  return labels;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
