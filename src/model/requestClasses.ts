import { type Distribution, distributionFromSpec } from "../engine/random/index.js";
import {
  type BuildEra,
  buildEraFor,
  buildPhaseStep,
  buildPhaseSteps,
  perRowStep,
  viewExtra,
} from "./buildWork.js";
import { clientPolicyFor } from "./clientPolicy.js";
import { since, type VersionMechanisms } from "./coderVersion.js";
import { dauRefreshCpuSeconds } from "./dataVolume.js";
import type { ModelFile } from "./modelSchema.js";
import type { RequestClass, Route, Step } from "./requestPipeline.js";

/** The request classes of the Coder model, built once per run from the model file and the version. */
export interface RequestCatalog {
  /** One agent metadata call (per_item: one item; agent_batch: all items; coderd_batch: enqueue only). */
  metadataRpc: RequestClass;
  /** One agent stats report; `statsRpcWithSession` also bumps workspace activity (UPDATE + NOTIFY). */
  statsRpc: RequestClass;
  statsRpcWithSession: RequestClass;
  /** coderd-side batched writes (rows scale the per-row cost). */
  metadataFlush: RequestClass;
  metadataNotify: RequestClass;
  statsInsert: RequestClass;
  dashboardApi: RequestClass;
  workspaceCreate: RequestClass;
  jobEvent: RequestClass;
  connectionSetup: RequestClass;
  /** A replica's periodic deployment-stats refresh (rows = connected agents, or its window's rows with `data_volume`). */
  deploymentStats: RequestClass;
  /** A replica's metrics-cache DAU refresh (rows = stored agent stats); absent from the rollup's version or without `data_volume`. */
  dauRefresh?: RequestClass;
  /** A request the API rate limiter refused (429): API-key lookup, no handler. */
  rateLimited: RequestClass;
  /** A scripted API client's request (like a dashboard API call, without a browser). */
  apiClientCall: RequestClass;
  /** An agent connecting again after a drop: auth, manifest, connection row and tailnet peer update. */
  agentReconnect: RequestClass;
  /** A start build requested by coderd's autobuild executor (not an HTTP request). */
  autostartBuild: RequestClass;
  /** The autobuild executor's poll for workspaces due to start or stop. */
  autobuildPoll: RequestClass;
  /** A replica's Agents() Prometheus collection (rows = workspaces listed); absent when not modelled. */
  agentsCollector?: RequestClass;
  /** CompleteJob of a start and of a stop/delete build (model `builds`); absent: jobEvent stands for both. */
  jobCompleteStart?: RequestClass;
  jobCompleteStop?: RequestClass;
  /** A started workspace's agent coming up: its connection and start-up calls (model `builds.agent_startup_*`). */
  agentStartup?: RequestClass;
  /** The Acquirer's AcquireProvisionerJob calls that find no job (rows = calls; `builds.acquire_empty_db_cpu_s`). */
  acquireEmpty?: RequestClass;
  /** The build response's queue-position query ranks pending jobs × online daemons (rows = pairs). */
  queuePositionByDaemon: boolean;
}

/**
 * coderd routes (chi patterns, the `path` label of coderd_api_* metrics) of the HTTP request classes, from
 * coderd/coderd.go. Agent routes are those of v2.x agents before dRPC; a dashboard page load is represented
 * by its workspace list call.
 */
export const ROUTES = {
  METADATA: { method: "POST", path: "/api/v2/workspaceagents/me/metadata" },
  STATS: { method: "POST", path: "/api/v2/workspaceagents/me/report-stats" },
  AGENT_COORDINATE: { method: "GET", path: "/api/v2/workspaceagents/me/coordinate" },
  WORKSPACES: { method: "GET", path: "/api/v2/workspaces" },
  CREATE: { method: "POST", path: "/api/v2/organizations/{organization}/members/{user}/workspaces" },
  CLIENT_COORDINATE: { method: "GET", path: "/api/v2/workspaceagents/{workspaceagent}/coordinate" },
  USER: { method: "GET", path: "/api/v2/users/{user}" },
  INSIGHTS: { method: "GET", path: "/api/v2/insights/templates" },
} as const satisfies Record<string, Route>;

/** Names of the agent API classes (their latency is "agent API latency" whatever their transport). */
export const AGENT_API_CLASS_NAMES: readonly string[] = ["agent_metadata", "agent_stats"];

/** What the deployment changes in the catalog (the model and version decide the rest). */
export interface CatalogDeployment {
  /** The PG coordinator runs: its trigger NOTIFYs a reconnecting agent's peer row (counted by its component). */
  readonly pgCoordinator: boolean;
  /** The deployment's Coder version (selects the builds' version-dependent statements). */
  readonly coderVersion?: string;
}

export function buildRequestCatalog(
  model: ModelFile,
  mech: VersionMechanisms,
  deployment: CatalogDeployment = { pgCoordinator: false },
): RequestCatalog {
  const d = (p: { value: unknown }): Distribution => distributionFromSpec(p.value as never);
  const rpcCpu = d(model.coderd.agent_rpc_cpu_s);
  const apiCpu = d(model.coderd.api_request_cpu_s);
  const createCpu = d(model.coderd.workspace_create_cpu_s);
  const read = d(model.database.read_query_cpu_s);
  const write = d(model.database.write_query_cpu_s);
  const notifyCpu = d(model.database.notify_cpu_s);
  const jobCpu = distributionFromSpec({
    dist: "deterministic",
    value: model.coderd.job_cpu_s.value,
  } as never);

  const cpu = (work: Distribution): Step => ({ kind: "coderdCpu", work });
  const reads = (n: number): Step[] =>
    Math.round(n) > 0
      ? [{ kind: "query", work: read, statements: Math.round(n), logged: false, notify: false }]
      : [];
  const update = (logged: boolean, statements = 1): Step => ({
    kind: "query",
    work: write,
    statements,
    logged,
    notify: false,
  });
  const notify: Step = { kind: "query", work: notifyCpu, statements: 1, logged: false, notify: true };
  // The metadata path has its own costs when the model gives them (so they can be scaled apart).
  const db = model.database;
  const metadataWrite = db.metadata_write_cpu_s ? d(db.metadata_write_cpu_s) : write;
  const metadataNotify: Step = db.metadata_notify_cpu_s
    ? { ...notify, work: d(db.metadata_notify_cpu_s) }
    : notify;

  // HTTP-era agents authenticate every call with database reads; dRPC agents authenticate once per connection.
  const http = mech.agentTransport === "http";
  const httpAuth = httpAgentAuth(model, deployment.coderVersion);
  const auth = http ? httpAuth.steps(read) : [];
  // The per-item handler reads the workspace itself besides dbauthz's read (#9782's duplicated lookup).
  const perItemReads =
    mech.metadataPath === "per_item"
      ? Math.round(model.agent.per_item_metadata_handler_reads?.value ?? 0)
      : 0;

  const metadataSteps: Step[] =
    mech.metadataPath === "coderd_batch"
      ? [cpu(rpcCpu)] // the update goes to coderd's batcher; the call returns without touching the database
      : [
          cpu(rpcCpu),
          ...auth,
          ...reads(perItemReads),
          { ...update(false), work: metadataWrite } /* UNLOGGED table */,
          metadataNotify,
        ];

  // A build's phases: measured statement by statement when the model has `builds`, else the assumed counts.
  const era = buildEraFor(deployment.coderVersion, model);
  const phases = model.builds ? buildPhaseSteps(model.builds, era) : undefined;
  const b = model.builds;
  const queuePosition =
    era.queuePositionByDaemon && b?.queue_position_db_cpu_s && b.queue_position_db_cpu_s_per_pair
      ? perRowStep(b.queue_position_db_cpu_s.value, b.queue_position_db_cpu_s_per_pair.value)
      : undefined;
  const createSteps: Step[] = phases
    ? [cpu(createCpu), phases.create]
    : [
        cpu(createCpu),
        ...reads(Math.max(0, model.provisioner.queries_per_create.value - 2)),
        update(true),
        notify /* provisioner job posted */,
      ];

  const perRow = model.database.batch_row_cpu_s.value;
  const batchWrite = (logged: boolean): Step => ({
    kind: "query",
    work: write,
    statements: 1,
    logged,
    notify: false,
    perRowSeconds: perRow,
  });

  const classes = withClients(model, mech.agentTransport, {
    metadataRpc: {
      name: "agent_metadata",
      steps: metadataSteps,
      route: ROUTES.METADATA,
      http,
      agentApi: true,
    },
    statsRpc: {
      name: "agent_stats",
      steps: [cpu(rpcCpu), ...auth],
      route: ROUTES.STATS,
      http,
      agentApi: true,
    },
    statsRpcWithSession: {
      name: "agent_stats",
      steps: [
        cpu(rpcCpu),
        ...auth,
        {
          kind: "query",
          work: d(model.database.activity_bump_cpu_s),
          statements: 1,
          logged: true,
          notify: false,
        },
        notify,
      ],
      route: ROUTES.STATS,
      databaseSource: "agent_stats_with_session",
      http,
      agentApi: true,
    },
    metadataFlush: {
      name: "metadata_flush",
      steps: [{ ...batchWrite(false), work: metadataWrite }, metadataNotify],
      http: false,
      agentApi: false,
    },
    metadataNotify: { name: "metadata_notify", steps: [metadataNotify], http: false, agentApi: false },
    statsInsert: { name: "stats_insert", steps: [batchWrite(true)], http: false, agentApi: false },
    dashboardApi: {
      name: "dashboard_api",
      steps: [cpu(apiCpu), ...reads(model.dashboard.reads_per_api_call.value)],
      route: ROUTES.WORKSPACES,
      http: true,
      agentApi: false,
    },
    workspaceCreate: {
      name: "workspace_build_request",
      steps: queuePosition ? [...createSteps, queuePosition] : createSteps,
      route: ROUTES.CREATE,
      code: "201",
      http: true,
      agentApi: false,
    },
    jobEvent: {
      name: "provisioner_job_event",
      steps: phases
        ? [cpu(jobCpu), phases.acquire]
        : [cpu(jobCpu), update(true, Math.round(model.provisioner.writes_per_job_event.value))],
      http: false,
      agentApi: false,
    },
    deploymentStats: {
      name: "deployment_stats_refresh",
      steps: [
        {
          kind: "query",
          work: distributionFromSpec({ dist: "deterministic", value: 0 } as never),
          statements: 1,
          logged: false,
          notify: false,
          perRowSeconds:
            model.data_volume?.deployment_stats_cpu_s_per_row.value ??
            model.database.deployment_stats_cpu_s_per_agent.value,
        },
      ],
      http: false,
      agentApi: false,
    },
    ...dauRefreshClass(model, mech),
    connectionSetup: {
      name: "workspace_connection_setup",
      steps: [cpu(apiCpu), ...reads(model.workspace_traffic.setup_reads.value)],
      route: ROUTES.CLIENT_COORDINATE,
      http: true,
      agentApi: false,
    },
    rateLimited: {
      name: "rate_limited",
      steps: [cpu(d(model.options.rate_limited_cpu_s)), ...reads(1)],
      route: ROUTES.WORKSPACES,
      code: "429",
      http: true,
      agentApi: false,
    },
    apiClientCall: {
      name: "api_client_call",
      steps: [cpu(apiCpu), ...reads(model.dashboard.reads_per_api_call.value)],
      route: ROUTES.USER,
      http: true,
      agentApi: false,
    },
    agentReconnect: {
      name: "agent_reconnect",
      steps: [
        cpu(d(model.reconnects.agent_connect_cpu_s)),
        ...reads(model.reconnects.agent_connect_reads.value),
        update(true) /* last_connected_at, tailnet peer row */,
        // With the PG coordinator the peer's NOTIFY is its table trigger's, charged by that component.
        ...(deployment.pgCoordinator ? [] : [notify /* tailnet peer update */]),
      ],
      route: ROUTES.AGENT_COORDINATE,
      http,
      agentApi: false,
    },
    autostartBuild: {
      name: "autostart_build",
      steps: createSteps,
      http: false,
      agentApi: false,
    },
    autobuildPoll: { name: "autobuild_poll", steps: reads(1), http: false, agentApi: false },
    ...agentsCollectorClass(model, mech),
    ...(phases && {
      jobCompleteStart: {
        name: "provisioner_job_complete",
        steps: [cpu(jobCpu), phases.completeStart],
        http: false,
        agentApi: false,
      },
      jobCompleteStop: {
        name: "provisioner_job_complete_stop",
        steps: [cpu(jobCpu), phases.completeStop],
        http: false,
        agentApi: false,
      },
    }),
    ...agentStartupClass(model, era, rpcCpu, auth),
    ...(era.acquirer &&
      b?.acquire_empty_db_cpu_s && {
        acquireEmpty: {
          name: "provisioner_acquire_empty",
          steps: [perRowStep(0, b.acquire_empty_db_cpu_s.value)],
          http: false,
          agentApi: false,
        },
      }),
  });
  return { ...classes, queuePositionByDaemon: queuePosition !== undefined };
}

/**
 * What authenticating one HTTP-era agent call reads (coderd/httpmw/workspaceagent.go): before
 * versions.agent_auth_joined_query the token lookup then getAgentSubject's workspace, user and roles
 * (auth_reads_per_rpc + subject_lookup_reads, all at the generic read cost); from it one joined query
 * (charged agent.auth_query_db_cpu_s while its text is the one read, before
 * versions.agent_auth_joined_query_read_until) and the calls' other reads. `reads` counts the statements.
 */
export function httpAgentAuth(
  model: ModelFile,
  coderVersion: string | undefined,
): { reads: number; joined: boolean; steps(read: Distribution): Step[] } {
  const a = model.agent;
  const v = model.versions;
  const joinedEra = coderVersion === undefined || since(coderVersion, v.agent_auth_joined_query);
  const subject = joinedEra ? 0 : Math.round(a.subject_lookup_reads?.value ?? 0);
  const base = Math.round(a.auth_reads_per_rpc.value);
  const reads = base + (v.agent_auth_joined_query ? subject : 0);
  const joined =
    a.auth_query_db_cpu_s !== undefined &&
    coderVersion !== undefined &&
    since(coderVersion, v.agent_auth_joined_query) &&
    !since(coderVersion, v.agent_auth_joined_query_read_until);
  const readStep = (work: Distribution, n: number): Step[] =>
    n > 0 ? [{ kind: "query", work, statements: n, logged: false, notify: false }] : [];
  return {
    reads,
    joined,
    steps: (read) =>
      joined
        ? [
            ...readStep(
              distributionFromSpec({ dist: "deterministic", value: a.auth_query_db_cpu_s!.value } as never),
              1,
            ),
            ...readStep(read, reads - 1),
          ]
        : readStep(read, reads),
  };
}

/**
 * A started workspace's agent coming up (coderd/agentapi manifest.go, lifecycle.go, logs.go, scripts.go):
 * each start-up call's coderd work (and, over HTTP, its authentication), then their statements as one
 * measured sum. Absent `builds.agent_startup_*`: not modelled.
 */
function agentStartupClass(
  model: ModelFile,
  era: BuildEra,
  rpcCpu: Distribution,
  authPerCall: readonly Step[],
): { agentStartup?: RequestClass } {
  const b = model.builds;
  if (!b?.agent_startup_calls || !b.agent_startup_statements || !b.agent_startup_db_cpu_s) return {};
  const calls = Math.max(1, Math.round(b.agent_startup_calls.value));
  // The calls' coderd CPU as their mean (one step: a class has at most 8).
  const coderd: Step = {
    kind: "coderdCpu",
    work: distributionFromSpec({ dist: "deterministic", value: calls * rpcCpu.mean } as never),
  };
  // Each call's authentication (HTTP era: the same statements as any agent call), once per call.
  const authStep: Step[] = authPerCall.map((step) =>
    step.kind === "query" ? { ...step, statements: step.statements * calls } : step,
  );
  return {
    agentStartup: {
      name: "agent_startup",
      steps: [
        coderd,
        ...authStep,
        buildPhaseStep(
          b.agent_startup_statements.value,
          b.agent_startup_db_cpu_s.value + viewExtra(b, era, b.agent_startup_workspace_fetches),
        ),
      ],
      http: false,
      agentApi: false,
    },
  };
}

/** Gives each class its client's timeout and retries from the model's `overload` (none when absent). */
function withClients<T extends Record<string, RequestClass | undefined>>(
  model: ModelFile,
  agentTransport: "http" | "drpc",
  classes: T,
): T {
  for (const cls of Object.values(classes)) {
    const client = cls && clientPolicyFor(model.overload, cls.name, agentTransport);
    if (cls && client) cls.client = client;
  }
  return classes;
}

/**
 * coderd's Agents() collector (coderd/prometheusmetrics, v2.8): the workspaces query, then per workspace
 * its owner and its latest build's agents, per agent its apps; one database job whose CPU is per workspace.
 * From `versions.agents_collector_single_query` one query replaces the per-workspace lookups (its cost is
 * charged as the workspaces list's per row).
 */
function agentsCollectorClass(model: ModelFile, mech: VersionMechanisms): { agentsCollector?: RequestClass } {
  const c = model.agents_collector;
  if (!c) return {};
  const lookups = mech.agentsCollectorReads === "per_workspace" ? c.per_workspace_cpu_s.value : 0;
  const perWorkspace = c.workspaces_query_cpu_s_per_workspace.value + lookups + c.per_agent_cpu_s.value;
  return { agentsCollector: rowScanClass("agents_collector", 1, perWorkspace) };
}

/** A database-only background read whose cost is per row it is given (no coderd CPU, no HTTP). */
function rowScanClass(name: string, statements: number, perRowSeconds: number): RequestClass {
  const work = distributionFromSpec({ dist: "deterministic", value: 0 } as never);
  const step = { kind: "query", work, statements, logged: false, notify: false, perRowSeconds } as const;
  return { name, steps: [step], http: false, agentApi: false };
}

/**
 * coderd's metrics-cache DAU refresh before the rollup (coderd/metricscache, v2.8: GetDeploymentDAUs per
 * cached time zone, then GetTemplateDAUs per template), one database job reading every stored agent
 * stats row once per pass.
 */
function dauRefreshClass(model: ModelFile, mech: VersionMechanisms): { dauRefresh?: RequestClass } {
  const p = model.data_volume;
  if (!p || mech.dauSource !== "agent_stats_scan") return {};
  const statements = Math.round(p.daus_passes_per_refresh.value);
  return { dauRefresh: rowScanClass("metrics_cache_daus", statements, dauRefreshCpuSeconds(p, 1)) };
}

/**
 * One request of an insights page load (workload.insights): API work on coderd, then one insights query
 * that aggregates the stats tables on the database. Defined only when a scenario has insights users, so
 * other runs keep their request classes (and series) as they were.
 */
export function insightsQueryClass(model: ModelFile): RequestClass | undefined {
  if (!model.insights) return undefined;
  const d = (p: { value: unknown }): Distribution => distributionFromSpec(p.value as never);
  return withClients(model, "http", {
    insights: {
      name: "insights_query",
      steps: [
        { kind: "coderdCpu", work: d(model.coderd.api_request_cpu_s) },
        { kind: "query", work: d(model.insights.query_cpu_s), statements: 1, logged: false, notify: false },
      ],
      route: ROUTES.INSIGHTS,
      http: true,
      agentApi: false,
    },
  }).insights;
}
