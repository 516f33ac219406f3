import { InputError, type InputIssue } from "../errors.js";
import { samplerSize } from "../model/coderModel.js";
import type { ModelFile } from "../model/modelSchema.js";
import { dayProfileDays } from "../model/timeline.js";
import { type LoadedScenario, locatePath, type Scenario } from "../scenario/index.js";
import { weekSchema } from "../scenario/schema.js";

/**
 * Up-front cost of a run, so an absurd scenario is refused (exit 2) before any work. Every quantity that
 * drives events or memory is a term with the scenario path it comes from, so a refusal names the value
 * to change. The constants are deliberately generous (measured on the 2-core CI machine, docs/security.md).
 */
export interface EstimateTerm {
  /** Scenario path of the quantity (`scrape_interval_s`, `deployment.coderd.replicas`). */
  path: string;
  /** Events of one replication. */
  events: number;
  /** Peak bytes of one replication. */
  bytes: number;
}

export interface RunEstimate {
  /** Events of all replications. */
  events: number;
  /** Peak memory of the whole run (`jobs` replications at once, each one's series kept), bytes. */
  memoryBytes: number;
  /** Wall time at a conservative 1.5 M events/s on one core, seconds. */
  wallSeconds: number;
  simulatedSeconds: number;
  /** Replications and prediction draws. */
  replications: number;
  /** Per replication; the replications multiply events, and their kept series add memory. */
  terms: EstimateTerm[];
  /** Series kept by the replications after the first (replication 1's beside draws), draws' summaries, bytes. */
  retainedBytes: number;
  /** Replications running at once (each on its own thread but the first). */
  jobs: number;
  /** What each replication running beside the first adds: its working set and its thread's, bytes. */
  jobBytes: number;
  /** Columns the model scrapes (its Sampler's), each a sample per scrape; 0 when too big to compose. */
  columns: number;
}

/** Events per agent call (timer, coderd CPU, database job, lock, release). */
const EVENTS_PER_CALL = 5;
/** Events per dashboard page load (its API calls and the think time). */
const EVENTS_PER_PAGE = 10;
/**
 * A scrape's work in events' time (quantile windows, fluid refresh): calibrated on readers at any size, per
 * coderd replica and per workspace proxy, not on columns (a histogram's are read in one call).
 */
const EVENTS_PER_READER_SCRAPE = 10;
const FIXED_READERS = 50;
const READERS_PER_REPLICA = 5;
/**
 * Per column and scrape: the Sampler's Float64Array (sized to the run's scrapes), the series' copy, and the
 * summary's, timeseries' and figures' copies and windows (measured ~31 B on week-3000, docs/security.md).
 */
const BYTES_PER_COLUMN_SAMPLE = 6 * 8;
/**
 * Kept after each replication until the summary is done: its series, their copy from a worker thread, what
 * the summary leaves for the collector, and its other results (measured: 26 MB per extra run of
 * scaletest-2000's 1.3 M samples, ~450 MB per draw of week-3000's 19 M before draws were summarised where
 * they ran, docs/security.md). During the draws, replication 1's series are kept (timeseries.csv).
 */
const RETAINED_BYTES_PER_SAMPLE = 4 * 8;
const RETAINED_BYTES_PER_RUN = 16 * 1024 * 1024;
/**
 * Kept after each prediction draw: its summary (15-135 KB as JSON) and what its run leaves for the collector,
 * the draw summarised where it ran (src/sweep/evaluate.ts; week-3000 with 6 draws: 1806 MB RSS, bound 2840 MB).
 */
const RETAINED_BYTES_PER_DRAW = 16 * 1024 * 1024;
/** A worker thread's own heap and modules, beside its replication's working set (measured ~46 MB). */
const BYTES_PER_WORKER = 100 * 1024 * 1024;
const BYTES_PER_AGENT = 400;
const BYTES_PER_USER = 400;
/**
 * Measured: 330 KB per coderd replica (composing its ~500 series), 60 B per pool connection, 110 B per
 * daemon, 400 B per node.
 */
const BYTES_PER_REPLICA = 400_000;
const BYTES_PER_POOL_UNIT = 100;
const BYTES_PER_DAEMON = 200;
const BYTES_PER_NODE = 1000;
const BYTES_PER_EVENT_ENTRY = 200;
/** Node, the CLI's modules and a tiny replication (measured 121 MB on test/fixtures/sweep/small.yaml). */
const BASE_BYTES = 180 * 1024 * 1024;
/** Columns are counted by composing the model when what it holds besides its series is at most this. */
const COMPOSED_BYTES_LIMIT = 2 * 2 ** 30;
/** Conservative simulation speed on one core of a small machine. */
export const SIMULATED_EVENTS_PER_SECOND = 1.5e6;
/** Model defaults the scenario may leave out (the seed model's values, rounded down to be safe). */
const DEFAULT_SCAN_INTERVAL_S = 10;
const DEFAULT_BURST_INTERVAL_S = 300;

/** The simulator's design range: typed arrays index agents and users (the model refuses 2^22 agents). */
export const MAX_AGENTS = 1_000_000;
export const MAX_USERS = 1_000_000;

/** Simulated end: the last stage's or the workday's end. */
export function simulatedEnd(scenario: Scenario): { seconds: number; path: string } {
  let seconds = 0;
  let path = "stages";
  scenario.stages.forEach((s, i) => {
    if (!(s.start_s + s.duration_s <= seconds)) {
      seconds = s.start_s + s.duration_s;
      path = `stages.${i}.${s.duration_s >= s.start_s ? "duration_s" : "start_s"}`;
    }
  });
  const day = scenario.workload.workday;
  if (day && !(day.start_s + day.duration_s <= seconds)) {
    seconds = day.start_s + day.duration_s;
    path = "workload.workday.duration_s";
  }
  if (scenario.workload.day_profile !== undefined && dayProfileDays(scenario) * 86400 > seconds) {
    seconds = dayProfileDays(scenario) * 86400;
    path = "workload.week.days";
  }
  return { seconds, path };
}

/** Coderd replicas at their most (scale events can add them), and the path that says so. */
function peakReplicas(scenario: Scenario): { replicas: number; path: string } {
  let replicas = scenario.deployment.coderd.replicas;
  let path = "deployment.coderd.replicas";
  (scenario.events ?? []).forEach((e, i) => {
    if (e.kind === "scale_replicas" && e.replicas > replicas) {
      replicas = e.replicas;
      path = `events.${i}.replicas`;
    }
  });
  return { replicas, path };
}

/** Workspace nodes at their most: the initial count, else what the autoscaler may add for the pods. */
function peakNodes(scenario: Scenario): { nodes: number; path: string } {
  const pool = scenario.workspace_nodes;
  if (!pool) return { nodes: 0, path: "workspace_nodes" };
  const a = pool.autoscaler;
  const initial = pool.initial_nodes ?? a.min_nodes;
  const grown = a.enabled ? Math.max(a.min_nodes, Math.min(a.max_nodes, scenario.workload.workspaces)) : 0;
  return initial >= grown
    ? {
        nodes: initial,
        path:
          pool.initial_nodes !== undefined
            ? "workspace_nodes.initial_nodes"
            : "workspace_nodes.autoscaler.min_nodes",
      }
    : { nodes: grown, path: "workspace_nodes.autoscaler.max_nodes" };
}

/**
 * Agents connected on average: every workspace, except under a day profile, whose users work only as
 * many at a time as the profile says (its mean over the days, weekends at their share).
 */
function meanAgents(scenario: Scenario): number {
  const w = scenario.workload;
  if (!Array.isArray(w.day_profile)) return w.workspaces;
  const peak = Math.max(...w.day_profile);
  if (!(peak > 0)) return 0;
  const meanShape = w.day_profile.reduce((a, b) => a + b, 0) / w.day_profile.length / peak;
  const week = weekSchema.parse(w.week ?? {});
  let days = 0;
  for (let d = 0; d < week.days; d++) days += d % 7 >= 5 ? week.weekend_active_pct / 100 : 1;
  return (w.workspaces * (week.peak_active_pct / 100) * meanShape * days) / week.days;
}

/** A Sampler not counted: the terms' events and the structure's bytes without the series. */
const NO_SAMPLER = { columns: 0, scrapes: 0 };

/** The terms, with the Sampler's size (its columns and the scrapes they make room for). */
function termsOf(
  scenario: Scenario,
  end: number,
  sampler: { columns: number; scrapes: number },
): EstimateTerm[] {
  const w = scenario.workload;
  const agents = meanAgents(scenario);
  const { replicas, path: replicasPath } = peakReplicas(scenario);
  const { nodes, path: nodesPath } = peakNodes(scenario);
  const proxies = (scenario.geography?.regions ?? []).reduce((n, r) => n + (r.proxy?.replicas ?? 0), 0);
  const readers = FIXED_READERS + READERS_PER_REPLICA * replicas + 2 * proxies;
  const scrapes = end / scenario.scrape_interval_s;
  const pool = scenario.workspace_nodes;
  const scan = pool?.autoscaler.scan_interval_s ?? DEFAULT_SCAN_INTERVAL_S;
  const burst = pool?.workspace.burst_interval_s ?? DEFAULT_BURST_INTERVAL_S;
  const clients = w.api_clients;
  const dep = scenario.deployment;
  const term = (path: string, events: number, bytes: number): EstimateTerm => ({ path, events, bytes });
  return [
    term("workload.workspaces", 0, w.workspaces * BYTES_PER_AGENT),
    term("workload.users", 0, w.users * BYTES_PER_USER),
    term(
      "workload.agent.metadata.interval_s",
      ((agents * w.agent.metadata.items) / w.agent.metadata.interval_s) * EVENTS_PER_CALL * end,
      0,
    ),
    term("workload.agent.stats_interval_s", (agents / w.agent.stats_interval_s) * EVENTS_PER_CALL * end, 0),
    term(
      "workload.dashboard.interval_s",
      // Dashboard users browse only in a dashboard stage (a day-profile week has none).
      scenario.stages.some((s) => s.name === "dashboard")
        ? (w.users / w.dashboard.interval_s) * EVENTS_PER_PAGE * end
        : 0,
      0,
    ),
    term(
      "workload.api_clients.count",
      clients ? ((clients.count * clients.requests_per_min) / 60) * EVENTS_PER_CALL * end : 0,
      (clients?.count ?? 0) * BYTES_PER_USER,
    ),
    term(
      "scrape_interval_s",
      scrapes * readers * EVENTS_PER_READER_SCRAPE,
      sampler.scrapes * sampler.columns * BYTES_PER_COLUMN_SAMPLE,
    ),
    term(replicasPath, 0, replicas * BYTES_PER_REPLICA),
    term(
      "deployment.coderd.pg_conn_max_open",
      0,
      replicas * dep.coderd.pg_conn_max_open * BYTES_PER_POOL_UNIT,
    ),
    term("deployment.provisioners.count", 0, dep.provisioners.count * BYTES_PER_DAEMON),
    term(
      "deployment.coderd.builtin_provisioners",
      0,
      replicas * dep.coderd.builtin_provisioners * BYTES_PER_DAEMON,
    ),
    term(nodesPath, pool ? (end / scan) * nodes : 0, nodes * BYTES_PER_NODE),
    term("workspace_nodes.workspace.burst_interval_s", pool ? ((2 * agents) / burst) * end : 0, 0),
    term(
      "events",
      (scenario.events?.length ?? 0) * (agents + w.users),
      (scenario.events?.length ?? 0) * BYTES_PER_EVENT_ENTRY,
    ),
  ];
}

/**
 * The cost of `replications` replications and `draws` prediction draws (one-replication runs, counted as
 * replications but for their kept series), `jobs` of them at once.
 * The columns are the model's own count, composed without running; a model too big to compose (beyond the
 * simulator's range, or over COMPOSED_BYTES_LIMIT before its series) is unbounded, refused whatever the budget.
 */
export function estimateRun(
  scenario: Scenario,
  model: ModelFile,
  replications: number,
  jobs = 1,
  draws = 0,
): RunEstimate {
  const span = simulatedEnd(scenario);
  const end = span.seconds;
  const structure = BASE_BYTES + termsOf(scenario, end, NO_SAMPLER).reduce((n, t) => n + t.bytes, 0);
  const composable = !hardLimitIssue(scenario, span) && structure <= COMPOSED_BYTES_LIMIT;
  const sampler = composable ? samplerSize(scenario, model) : NO_SAMPLER;
  const { columns } = sampler;
  const terms = termsOf(scenario, end, sampler);
  const perReplication = terms.reduce((n, t) => n + t.events, 0);
  const peak = terms.reduce((n, t) => n + t.bytes, 0);
  const samples = (end / scenario.scrape_interval_s) * columns;
  const runs = replications + draws;
  const events = perReplication * runs;
  // Replication 1's series stay beside the draws; the others' are let go before the draws start.
  const kept = Math.max(replications - 1, draws > 0 ? 1 : 0);
  const retainedBytes =
    (samples * RETAINED_BYTES_PER_SAMPLE + RETAINED_BYTES_PER_RUN) * kept + RETAINED_BYTES_PER_DRAW * draws;
  const running = Math.max(1, Math.min(jobs, runs));
  const jobBytes = peak + BYTES_PER_WORKER;
  return {
    events,
    memoryBytes: composable
      ? BASE_BYTES + peak + (running - 1) * jobBytes + retainedBytes
      : Number.POSITIVE_INFINITY,
    wallSeconds: events / SIMULATED_EVENTS_PER_SECOND,
    simulatedSeconds: end,
    replications: runs,
    terms,
    retainedBytes,
    jobs: running,
    jobBytes,
    columns,
  };
}

/**
 * Events of `runs` replications, without composing the model (the time budget needs no columns);
 * unbounded beyond the simulator's range.
 */
export function estimateEvents(scenario: Scenario, runs: number): number {
  const span = simulatedEnd(scenario);
  if (hardLimitIssue(scenario, span)) return Number.POSITIVE_INFINITY;
  return termsOf(scenario, span.seconds, NO_SAMPLER).reduce((n, t) => n + t.events, 0) * runs;
}

function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toExponential(1).replace("e+", "e") : "unbounded";
}

function formatWall(seconds: number): string {
  if (!Number.isFinite(seconds)) return "forever";
  const hours = seconds / 3600;
  if (hours >= 1) return `${hours >= 1e5 ? formatCount(hours) : hours.toFixed(hours >= 10 ? 0 : 1)} h`;
  const minutes = seconds / 60;
  return minutes >= 1 ? `${minutes.toFixed(minutes >= 10 ? 0 : 1)} min` : `${seconds.toFixed(0)} s`;
}

function formatGiB(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return Number.isFinite(gib)
    ? gib >= 1e5
      ? formatCount(gib)
      : gib.toFixed(gib >= 10 ? 0 : 2)
    : "unbounded";
}

export function describeEstimate(e: RunEstimate): string {
  return `about ${formatCount(e.events)} events (~${formatWall(e.wallSeconds)} on one core) and ${formatGiB(e.memoryBytes)} GiB`;
}

/** What a command may spend: `--max-memory-gb` and `--max-hours`. */
export interface Budget {
  maxMemoryGb: number;
  maxHours: number;
}

export const DEFAULT_BUDGET: Budget = { maxMemoryGb: 8, maxHours: 24 };

/** The term that contributes most to what is over budget. */
function dominantTerm(e: RunEstimate, by: "events" | "bytes"): EstimateTerm {
  return e.terms.reduce((best, t) => (t[by] > best[by] || !Number.isFinite(t[by]) ? t : best));
}

/**
 * The value to blame: the replications when there are many and one would fit, the simulated span when it is
 * over a year (it multiplies every rate), else the largest term.
 */
function culprit(
  e: RunEstimate,
  end: { seconds: number; path: string },
  by: "events" | "bytes",
  budget: Budget,
  runs: number,
): string {
  if (end.seconds > 3.2e7) return end.path;
  const term = dominantTerm(e, by);
  // The replications' kept series, when one replication alone would fit.
  const one = e.memoryBytes - e.retainedBytes - (e.jobs - 1) * e.jobBytes;
  if (by === "bytes")
    return e.retainedBytes > term.bytes && one <= budget.maxMemoryGb * 2 ** 30 ? "replications" : term.path;
  const oneReplication = (e.wallSeconds / Math.max(1, e.replications)) * runs;
  // Many replications of a reasonable run: the count is what to lower.
  if (e.replications > 10 && oneReplication <= budget.maxHours * 3600) return "replications";
  return term.path;
}

/** Refusals that do not depend on the budget: sizes beyond the simulator's range, an unbounded run. */
function hardLimitIssue(
  scenario: Scenario,
  end: { seconds: number; path: string },
): { path: string; message: string } | undefined {
  if (scenario.workload.users > MAX_USERS)
    return {
      path: "workload.users",
      message: `at most ${MAX_USERS} users per run, got ${scenario.workload.users}`,
    };
  if (scenario.workload.workspaces > MAX_AGENTS)
    return {
      path: "workload.workspaces",
      message: `at most ${MAX_AGENTS} workspaces (agents) per run, got ${scenario.workload.workspaces}`,
    };
  if (!Number.isFinite(end.seconds))
    return { path: end.path, message: `the run would never end (simulated end at ${end.seconds} s)` };
  return undefined;
}

/**
 * Throws an InputError (exit 2) when the run is beyond the simulator's range or over budget, located at
 * the value most responsible (its file position, or the `--set` / option that gave it).
 */
export function refuseOverBudget(
  loaded: LoadedScenario,
  estimate: RunEstimate,
  budget: Budget,
  opts: { replicationsOption?: string; runs?: number } = {},
): void {
  const scenario = loaded.scenario;
  const end = simulatedEnd(scenario);
  const at = (path: string, message: string): InputError => {
    if (path === "replications" && opts.replicationsOption)
      return new InputError({ file: opts.replicationsOption, path: "", message });
    return new InputError({ ...locatePath(loaded, path), path, message } satisfies InputIssue);
  };
  const hard = hardLimitIssue(scenario, end);
  if (hard) throw at(hard.path, hard.message);
  const runs = opts.runs ?? 1;
  const memoryOver = !(estimate.memoryBytes <= budget.maxMemoryGb * 2 ** 30);
  const timeOver = !(estimate.wallSeconds * runs <= budget.maxHours * 3600);
  if (!memoryOver && !timeOver) return;
  const what = `refused: ${runs > 1 ? `${runs} simulations of ` : ""}${describeEstimate(estimate)}`;
  const over = memoryOver
    ? `over --max-memory-gb ${budget.maxMemoryGb}`
    : `over --max-hours ${budget.maxHours}`;
  const path = culprit(estimate, end, memoryOver ? "bytes" : "events", budget, runs);
  const span = `${formatCount(end.seconds)} simulated s, ${estimate.replications} replication(s)`;
  throw at(path, `${what} (${span}), ${over}`);
}

/**
 * At most `jobs` replications at once, and no more than the memory budget holds: each replication
 * running beside the first adds its working set (the estimate's per-replication peak) and its thread's.
 */
export function jobsWithinMemory(estimate: RunEstimate, budget: Budget, jobs: number): number {
  const room = budget.maxMemoryGb * 2 ** 30 - estimate.memoryBytes;
  const extra = Math.floor(room / estimate.jobBytes) + estimate.jobs - 1;
  return Math.max(1, Math.min(jobs, 1 + Math.max(0, extra)));
}
