/**
 * The figure table evaluated by a Prometheus server: each figure's recipe (the first whose metric names
 * the server holds, after the selector) is sent as PromQL with the selector's matchers added, at a step
 * of the data's scrape interval, and the answers are reduced over the stage windows by the same code as
 * simulated series (`evaluateFigures` with the server as its evaluator).
 */
import { createHash } from "node:crypto";
import { InputError } from "../errors.js";
import {
  ALL,
  duration,
  evaluateFigures,
  FIGURES,
  type FigureValue,
  promqlFor,
  type Recipe,
  type Result,
  resolveWindows,
  SOURCES,
  selectorFor,
  type WindowOrigin,
  windowInstants,
  windowsFromStageSeries,
} from "../figures/index.js";
import { metricNamesOf, PromQLError, withMatchers } from "../promql/index.js";
import type { SeriesSet, Window } from "../series/types.js";
import { definitionOf, markAmbiguous, markPartial, markUnselected } from "./checks.js";
import { PrometheusClient, type PromSeries } from "./client.js";
import { keyOf, type Request, type Selectors, type SentQuery } from "./queries.js";
import { firstReadMetric, metricScrapeIntervals } from "./scrape.js";

export interface PrometheusOptions {
  url: string;
  /** Label matchers added to every vector selector, e.g. `{namespace="coder"}`. */
  selector?: string;
  /** Instead of `selector` for the database's recipes, e.g. `{instance="db-1:9100"}`. */
  dbSelector?: string;
  /** Bounds of the data to use (unix seconds); without them, all the server holds. */
  start?: number;
  end?: number;
  /** Seconds between evaluation instants; default the data's scrape interval. */
  stepSeconds?: number;
  /** Windows given by --stages / --stage, used when the server has no `capsim_stage_active`. */
  stages?: readonly Window[];
  timeoutSeconds?: number;
  /** Time of "now" for a search of all the data (tests); default the clock. */
  now?: number;
}

export interface PrometheusMeasurement {
  url: string;
  selector: string | null;
  dbSelector: string | null;
  windows: Window[];
  windowOrigin: WindowOrigin;
  scrapeSeconds: number;
  /** Where the scrape interval was read: the query whose raw samples' median spacing it is. */
  scrapeFrom: string;
  stepSeconds: number;
  /** Every figure of the table for every window, with or without a value. */
  evaluated: FigureValue[];
  queries: SentQuery[];
  /** SHA-256 of every answer, in order: identifies the data compared. */
  sha256: string;
}

const STAGE_SERIES = "capsim_stage_active";
const CONCURRENCY = 4;

export async function measureFromPrometheus(opts: PrometheusOptions): Promise<PrometheusMeasurement> {
  const selector = checkSelector(opts.selector, "--selector");
  const dbSelector = checkSelector(opts.dbSelector, "--db-selector");
  const sel = {
    ...(selector !== undefined ? { selector } : {}),
    ...(dbSelector !== undefined ? { dbSelector } : {}),
  };
  if ((opts.start === undefined) !== (opts.end === undefined))
    throw new InputError({
      file: opts.start === undefined ? "--start" : "--end",
      path: "",
      message: "give --start and --end together",
    });
  if (opts.start !== undefined && opts.end! <= opts.start)
    throw new InputError({ file: "--end", path: "", message: "must be after --start" });
  const client = new PrometheusClient(opts.url, {
    ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
  });
  const { windows, origin } = await stageWindows(client, opts);
  const span = {
    start: Math.min(...windows.map((w) => w.start)),
    end: Math.max(...windows.map((w) => w.end)),
  };
  const names = await metricNames(client, sel, span);
  const spacings = await metricScrapeIntervals(client, names, sel, span);
  const first = firstReadMetric(names);
  const spacing = first === undefined ? undefined : spacings.get(first);
  const scrapeSeconds = spacing?.seconds ?? opts.stepSeconds;
  if (scrapeSeconds === undefined) throw nothingToRead(client.url, selector, names);
  const step = opts.stepSeconds ?? scrapeSeconds;
  // Each recipe's $__rate_interval follows its own metric's scrape (node_exporter at 60 s beside coderd at 15 s).
  const scrapeOf = (recipe: Recipe): number =>
    spacings.get(metricNamesOf(recipe.promql)[0] ?? "")?.seconds ?? scrapeSeconds;

  const evaluate = (results: (r: Request) => readonly Result[]): FigureValue[] =>
    evaluateFigures({ series: [] }, windows, {
      stepSeconds: step,
      ...sel,
      evaluator: {
        metricNames: names,
        scrapeSeconds,
        scrapeSecondsOf: scrapeOf,
        results: (expr, range) => results({ expr, ...range }),
      },
    });
  // The recipes chosen depend only on the names, so a first pass lists every query to send.
  const requests = new Map<string, Request>();
  evaluate((r) => {
    requests.set(keyOf(r), r);
    return [];
  });
  const answers = await fetchAll(client, [...requests.values()]);
  const evaluated = evaluate((r) => answers.get(keyOf(r)) ?? []);

  const queries: SentQuery[] = [];
  for (const v of evaluated) {
    for (const sent of sentFor(v, windows, { step, scrapeOf }, sel)) {
      queries.push({
        figure: v.name,
        stage: v.stage,
        part: sent.part,
        endpoint: sent.start === sent.end ? "query" : "query_range",
        promql: sent.expr,
        start: sent.start,
        end: sent.end,
        step: sent.step,
        series: (answers.get(keyOf(sent)) ?? []).length,
      });
    }
  }
  markPartial(evaluated, queries, answers);
  await markUnselected(client, evaluated, sel, span);
  await markAmbiguous(client, evaluated, queries, windows);
  const hash = createHash("sha256");
  for (const r of requests.values()) hash.update(`${keyOf(r)}\n${JSON.stringify(answers.get(keyOf(r)))}\n`);
  return {
    url: client.url,
    selector: selector ?? null,
    dbSelector: dbSelector ?? null,
    windows,
    windowOrigin: origin,
    scrapeSeconds,
    scrapeFrom: spacing?.from ?? "--step (no raw samples found)",
    stepSeconds: step,
    evaluated,
    queries,
    sha256: hash.digest("hex"),
  };
}

/** The selector validated as `{...}` matchers (undefined when empty). */
function checkSelector(selector: string | undefined, option: string): string | undefined {
  if (selector === undefined || selector.trim() === "" || /^\{\s*\}$/.test(selector.trim())) return undefined;
  try {
    withMatchers("up", selector);
  } catch (err) {
    if (err instanceof PromQLError)
      throw new InputError({ file: option, path: "", message: `${selector}: ${err.message}` });
    throw err;
  }
  return selector.trim();
}

/**
 * Windows given by --stage/--stages; else the server's `capsim_stage_active` in --start..--end (all the
 * server holds without them); else --start..--end as one window `all`. Given windows win: the server
 * may hold another run's stage series (a capsim export loaded beside the deployment's data). "all" is
 * added from the traffic stages as for simulated data.
 */
async function stageWindows(
  client: PrometheusClient,
  opts: PrometheusOptions,
): Promise<{ windows: Window[]; origin: WindowOrigin }> {
  if (opts.stages && opts.stages.length > 0) return resolveWindows({ series: [] }, opts.stages);
  const end = opts.end ?? Math.ceil(opts.now ?? Date.now() / 1000);
  const start = opts.start ?? 0;
  const raw = await client.query(`${STAGE_SERIES}[${duration(end - start)}]`, end);
  const stageData: SeriesSet = { series: raw };
  const given = opts.start !== undefined ? [{ name: ALL, start: opts.start, end: opts.end! }] : [];
  if (windowsFromStageSeries(stageData).length === 0 && given.length === 0)
    throw new InputError({
      file: "--prometheus",
      path: "",
      message: `${client.url} has no ${STAGE_SERIES} series to take stage windows from: give --start and --end, --stages FILE or --stage NAME=START..END`,
    });
  return resolveWindows(stageData, given);
}

/**
 * The metric names the server holds: those `--selector` matches, and with `--db-selector` the database
 * recipes' names among those it matches instead.
 */
async function metricNames(
  client: PrometheusClient,
  sel: Selectors,
  span: { start: number; end: number },
): Promise<Set<string>> {
  const names = await client.metricNames(sel.selector, span.start, span.end);
  if (sel.dbSelector === undefined) return names;
  const database = new Set(
    FIGURES.flatMap((f) => f.recipes)
      .filter((r) => SOURCES[r.source].database)
      .flatMap((r) => metricNamesOf(r.promql)),
  );
  const db = await client.metricNames(sel.dbSelector, span.start, span.end);
  return new Set([...[...names].filter((n) => !database.has(n)), ...[...db].filter((n) => database.has(n))]);
}

function nothingToRead(url: string, selector: string | undefined, names: ReadonlySet<string>): InputError {
  const after = selector ? ` matching ${selector}` : "";
  const held = names.size === 0 ? "no series at all" : `${names.size} metric(s), none a figure reads`;
  return new InputError({
    file: "--prometheus",
    path: "",
    message: `${url} holds ${held}${after} in the windows: no figure can be read (docs/metrics.md lists the names each figure needs)`,
  });
}

/** Sends every query, a few at a time; answers by request key. */
async function fetchAll(
  client: PrometheusClient,
  requests: readonly Request[],
): Promise<Map<string, PromSeries[]>> {
  const out = new Map<string, PromSeries[]>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const answer =
        r.start === r.end
          ? await client.query(r.expr, r.end)
          : await client.queryRange(r.expr, r.start, r.end, r.step);
      out.set(keyOf(r), answer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker));
  return out;
}

/**
 * The queries sent for an evaluated figure's window (the texts `evaluateFigures` built): the figure's,
 * and the per-pod part of an aggregating recipe, whose series are checked for attribution.
 */
function sentFor(
  v: FigureValue,
  windows: readonly Window[],
  seconds: { step: number; scrapeOf: (recipe: Recipe) => number },
  sel: Selectors,
): (Request & { part: SentQuery["part"] })[] {
  const recipe = definitionOf(v)?.recipes.find((r) => r.source === v.source && r.promql === v.promql);
  const window = windows.find((w) => w.name === v.stage);
  if (!recipe || !window || v.note.startsWith("answer saved")) return [];
  const range =
    recipe.reduction.kind === "at_end"
      ? { start: window.end, end: window.end, step: seconds.step }
      : windowInstants(window, seconds.step);
  const parts: [SentQuery["part"], string][] = [["figure", recipe.promql]];
  if (recipe.perSeries !== undefined) parts.push(["per_series", recipe.perSeries]);
  return parts.map(([part, promql]) => ({
    part,
    expr: promqlFor(
      { ...recipe, promql },
      window,
      { step: seconds.step, scrape: seconds.scrapeOf(recipe) },
      selectorFor(recipe, sel),
    ),
    ...range,
  }));
}
