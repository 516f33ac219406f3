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
  type FigureDefinition,
  type FigureValue,
  promqlFor,
  type Recipe,
  type Result,
  resolveWindows,
  SOURCES,
  scrapeInterval,
  selectorFor,
  type WindowOrigin,
  windowInstants,
  windowsFromStageSeries,
} from "../figures/index.js";
import { metricNamesOf, PromQLError, withMatchers } from "../promql/index.js";
import type { SeriesSet, Window } from "../series/types.js";
import { attributionProblem, duplicateScrapeProblem, severalDatabasesProblem } from "./attribution.js";
import { PrometheusClient, type PromSeries } from "./client.js";
import { vectorSelectorsOf } from "./selectors.js";

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

/** One query sent for a figure's window, and how many series answered. */
export interface SentQuery {
  figure: string;
  stage: string;
  /** The figure's PromQL, or the per-pod part of an aggregating recipe (checked for attribution). */
  part: "figure" | "per_series";
  endpoint: "query_range" | "query";
  promql: string;
  start: number;
  end: number;
  step: number;
  series: number;
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
/** How far back raw samples are read to find the scrape interval. */
const SPACING_RANGE = "10m";
const CONCURRENCY = 4;

interface Request {
  expr: string;
  start: number;
  end: number;
  step: number;
}

const keyOf = (r: Request): string => `${r.expr}\n${r.start}\n${r.end}\n${r.step}`;

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

/** The scrape interval of the first metric of every recipe whose names the server holds. */
async function metricScrapeIntervals(
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

type Selectors = { selector?: string; dbSelector?: string };

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
function firstReadMetric(names: ReadonlySet<string>): string | undefined {
  for (const figure of FIGURES) {
    for (const recipe of figure.recipes) {
      const needs = metricNamesOf(recipe.promql);
      if (needs.length > 0 && needs.every((n) => names.has(n))) return needs[0];
    }
  }
  return undefined;
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

function definitionOf(v: FigureValue): FigureDefinition | undefined {
  return FIGURES.find((f) => f.name === v.name && (f.stages ?? [ALL]).includes(v.stage));
}

/**
 * A figure no recipe could read because the selector hid its series (they exist on the server) says so:
 * database exporters rarely carry the deployment's labels (its namespace), and "no series" would send the
 * operator looking for missing exporters.
 */
async function markUnselected(
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
function markPartial(
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
async function markAmbiguous(
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
