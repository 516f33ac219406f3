/**
 * Checks on a measurement's answers: a figure whose value would mislead (a part of its window, series
 * of other workloads, a target counted twice, several databases) is listed with value null and why.
 */
import {
  ALL,
  FIGURES,
  type FigureDefinition,
  type FigureValue,
  SOURCES,
  selectorFor,
} from "../figures/index.js";
import { metricNamesOf } from "../promql/index.js";
import type { Window } from "../series/types.js";
import { attributionProblem, duplicateScrapeProblem, severalDatabasesProblem } from "./attribution.js";
import type { PrometheusClient, PromSeries } from "./client.js";
import { keyOf, type Selectors, type SentQuery } from "./queries.js";
import { vectorSelectorsOf } from "./selectors.js";

export function definitionOf(v: FigureValue): FigureDefinition | undefined {
  return FIGURES.find((f) => f.name === v.name && (f.stages ?? [ALL]).includes(v.stage));
}

/**
 * A figure no recipe could read because the selector hid its series (they exist on the server) says so:
 * database exporters rarely carry the deployment's labels (its namespace), and "no series" would send the
 * operator looking for missing exporters.
 */
export async function markUnselected(
  client: PrometheusClient,
  evaluated: FigureValue[],
  sel: Selectors,
  span: { start: number; end: number },
): Promise<void> {
  const unread = evaluated.filter((v) => v.source === null && definitionOf(v)?.recipes.length);
  if (unread.length === 0 || (sel.selector === undefined && sel.dbSelector === undefined)) return;
  const all = await client.metricNames(undefined, span.start, span.end);
  for (const [i, v] of evaluated.entries()) {
    if (!unread.includes(v)) continue;
    const recipe = definitionOf(v)!.recipes.find((r) => metricNamesOf(r.promql).every((n) => all.has(n)));
    const selector = recipe && selectorFor(recipe, sel);
    if (!recipe || selector === undefined) continue;
    const database = SOURCES[recipe.source].database;
    const option = database && sel.dbSelector !== undefined ? "--db-selector" : "--selector";
    const fix = database
      ? "give --db-selector with labels the database's series carry"
      : "read this figure in a run of its own with a selector its series match";
    evaluated[i] = {
      ...v,
      note: `the server holds ${metricNamesOf(recipe.promql).join(" + ")} (${recipe.source}), but no series of it matches ${option} ${selector}; ${fix}; ${v.note}`,
    };
  }
}

/** The figure without a value (nor a pod count), saying why first. */
function refused(v: FigureValue, problem: string): FigureValue {
  const { pods: _, ...rest } = v;
  return { ...rest, value: null, note: v.note ? `${problem}; ${v.note}` : problem };
}

/** A window's points figure needs points at half its instants at least to stand for the window. */
const MIN_COVERAGE = 0.5;

/**
 * A points figure whose answer has points at fewer than half the window's instants is listed with value
 * null and why: the data covers a part of the window (a --start/--end off by a time zone, scraping
 * stopped), and a part is not the window.
 */
export function markPartial(
  evaluated: FigureValue[],
  queries: readonly SentQuery[],
  answers: ReadonlyMap<string, readonly PromSeries[]>,
): void {
  for (const [i, v] of evaluated.entries()) {
    const sent = queries.find((q) => q.figure === v.name && q.stage === v.stage && q.part === "figure");
    if (v.value === null || !sent || sent.endpoint !== "query_range") continue;
    const instants = Math.floor((sent.end - sent.start) / sent.step + 1e-9) + 1;
    const covered = new Set(
      (answers.get(keyOf({ expr: sent.promql, ...sent })) ?? []).flatMap((s) => s.times),
    ).size;
    if (covered >= MIN_COVERAGE * instants) continue;
    const problem = `partial: points at only ${covered} of the ${instants} instants of ${v.stage} (${sent.start - sent.step}..${sent.end}), so the data covers too little of the window to stand for it; not guessed (check --start/--end against the data: RFC 3339 times need their zone, Z is UTC)`;
    evaluated[i] = refused(v, problem);
  }
}

/**
 * A figure whose series cannot be taken as one deployment's targets, each counted once, is listed with
 * value null and why: a per-pod figure's series from several namespaces, or a target scraped by several
 * jobs.
 */
export async function markAmbiguous(
  client: PrometheusClient,
  evaluated: FigureValue[],
  queries: readonly SentQuery[],
  windows: readonly Window[],
): Promise<void> {
  const seen = new Map<string, string | undefined>();
  for (const [i, v] of evaluated.entries()) {
    const per = definitionOf(v)?.per;
    const sent = queries.find((q) => q.figure === v.name && q.stage === v.stage);
    const window = windows.find((w) => w.name === v.stage);
    if (v.value === null || !sent || !window) continue;
    const selectors = vectorSelectorsOf(sent.promql);
    const key = `${per}\n${v.source}\n${selectors.join("\n")}\n${window.start}\n${window.end}`;
    if (!seen.has(key)) {
      const labels = (
        await Promise.all(selectors.map((s) => client.series(s, window.start, window.end)))
      ).flat();
      const one = v.source ? SOURCES[v.source].one : undefined;
      seen.set(
        key,
        (per && attributionProblem(per, labels)) ||
          (one && severalDatabasesProblem(one, labels)) ||
          duplicateScrapeProblem(labels),
      );
    }
    const problem = seen.get(key);
    if (problem) evaluated[i] = refused(v, problem);
  }
}
