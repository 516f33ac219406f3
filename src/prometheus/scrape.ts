/** The scrape interval of each metric the recipes read, from the median spacing of its raw samples. */
import { duration, FIGURES, scrapeInterval, selectorFor } from "../figures/index.js";
import { metricNamesOf, withMatchers } from "../promql/index.js";
import type { PrometheusClient } from "./client.js";
import type { Selectors } from "./queries.js";

/** How far back raw samples are read to find the scrape interval. */
const SPACING_RANGE = "10m";

/** The scrape interval of the first metric of every recipe whose names the server holds. */
export async function metricScrapeIntervals(
  client: PrometheusClient,
  names: ReadonlySet<string>,
  sel: Selectors,
  span: { start: number; end: number },
): Promise<Map<string, { seconds: number; from: string }>> {
  const metrics = new Map<string, string | undefined>();
  for (const figure of FIGURES) {
    for (const recipe of figure.recipes) {
      const needs = metricNamesOf(recipe.promql);
      if (needs.length > 0 && needs.every((n) => names.has(n)))
        metrics.set(needs[0]!, selectorFor(recipe, sel));
    }
  }
  const out = new Map<string, { seconds: number; from: string }>();
  for (const [metric, selector] of metrics) {
    const spacing = await findScrapeInterval(client, metric, selector, span);
    if (spacing) out.set(metric, spacing);
  }
  return out;
}

/**
 * A metric's scrape interval: the median spacing of its raw samples over the last 10 minutes of the
 * data: before the windows' end, or before the metric's last sample there when its series stopped
 * earlier (the data ends before --end, a scrape gap at the end).
 */
async function findScrapeInterval(
  client: PrometheusClient,
  metric: string,
  selector: string | undefined,
  span: { start: number; end: number },
): Promise<{ seconds: number; from: string } | undefined> {
  const expr = withMatchers(`${metric}[${SPACING_RANGE}]`, selector ?? "");
  const spacingAt = async (at: number) => {
    const seconds = scrapeInterval({ series: await client.query(expr, at) });
    return seconds === undefined ? undefined : { seconds, from: `median spacing of ${expr} at ${at}` };
  };
  const atEnd = await spacingAt(span.end);
  if (atEnd !== undefined) return atEnd;
  const last = await lastSampleTime(client, withMatchers(metric, selector ?? ""), span);
  return last === undefined ? undefined : spacingAt(last);
}

/** Unix seconds of the last sample of `selector` in the span (found at a 60 s resolution), if any. */
async function lastSampleTime(
  client: PrometheusClient,
  selector: string,
  span: { start: number; end: number },
): Promise<number | undefined> {
  const expr = `max(max_over_time(timestamp(${selector})[${duration(Math.max(span.end - span.start, 60))}:60s]))`;
  const v = (await client.query(expr, span.end))[0]?.values[0];
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/** The first metric of the first recipe (in table order) whose names the server holds. */
export function firstReadMetric(names: ReadonlySet<string>): string | undefined {
  for (const figure of FIGURES) {
    for (const recipe of figure.recipes) {
      const needs = metricNamesOf(recipe.promql);
      if (needs.length > 0 && needs.every((n) => names.has(n))) return needs[0];
    }
  }
  return undefined;
}
