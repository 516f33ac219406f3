import type { Labels, Series } from "../series/types.js";
import type { Reduction } from "./types.js";

/**
 * The saved result of one PromQL query (a query_range or query response read from a file, or a Grafana
 * panel column): already evaluated, so it answers the recipe whose PromQL it is, and nothing else.
 */
export interface Answer {
  /** The query text as saved, or `panel:<legend>` for a Grafana column. */
  query: string;
  series: readonly Series[];
}

/** PromQL text compared modulo whitespace and range durations (`[1m]` answers `[$__rate_interval]`). */
export function normaliseQuery(query: string): string {
  return query.replace(/\[[^\]]*\]/g, "[]").replace(/\s+/g, "");
}

/** The saved answer to a recipe's PromQL, or to the figure's Grafana panel legend. */
export function answerFor(answers: readonly Answer[], promql: string, panel?: string): Answer | undefined {
  const wanted = normaliseQuery(promql);
  return answers.find(
    (a) => normaliseQuery(a.query) === wanted || (panel !== undefined && a.query === `panel:${panel}`),
  );
}

/**
 * The points of an answer that belong to a window, by the same rule as evaluated ones: (start, end]
 * for a points reduction; for at_end, each series' last point no later than the end.
 */
export function answerInWindow(
  answer: Answer,
  reduction: Reduction,
  window: { start: number; end: number },
): { labels: Labels; values: number[] }[] {
  return answer.series.map((s) => {
    const values: number[] = [];
    for (let i = 0; i < s.times.length; i++) {
      const t = s.times[i]!;
      if (t > window.end + 1e-9) break;
      if (reduction.kind === "at_end") values[0] = s.values[i]!;
      else if (t > window.start + 1e-9) values.push(s.values[i]!);
    }
    return { labels: s.labels, values };
  });
}
