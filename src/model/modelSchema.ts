import { z } from "zod";
import { distributionOrNumberSchema } from "../engine/random/index.js";
import { ensembleSchema } from "../uncertainty/ensemble.js";
import { checkUncertainty, leavesOutSchema, uncertaintySchema } from "../uncertainty/schema.js";
import { overloadSchema } from "./overloadSchema.js";

/**
 * A model file (`models/*.yaml`) carries every calibrated number of the Coder model, each with its
 * provenance, so a reader can check where it came from and `capsim calibrate` can fit it.
 */

const source = () =>
  z
    .string()
    .min(1)
    .describe("Where the value comes from: a Coder source file, an issue, a measurement or a fit");

/** A scalar parameter with provenance. */
export const numberParam = (description: string) =>
  z
    .strictObject({
      value: z.number().describe(description),
      source: source(),
    })
    .describe(description);

/** A distribution-valued parameter with provenance (a plain number means deterministic). */
export const distParam = (description: string) =>
  z
    .strictObject({
      value: distributionOrNumberSchema.describe(description),
      source: source(),
    })
    .describe(description);

const versionParam = (description: string) =>
  z
    .strictObject({
      value: z.string().regex(/^\d+\.\d+(\.\d+)?$/),
      source: source(),
    })
    .describe(description);

/** Statements whose cost grows with the rows of workspace_agent_stats, not with the load (src/model/dataVolume.ts). */
const dataVolumeSchema = z
  .strictObject({
    agent_stats_rows_per_agent_day: numberParam(
      "workspace_agent_stats rows one running agent adds per day (one per stats report)",
    ),
    agent_running_share: numberParam(
      "Share of the day a deployment's agents run, for the default history (workspaces stop out of hours)",
    ),
    agent_stats_retention_days_early: numberParam(
      "Days of agent stats dbpurge keeps before versions.agent_stats_half_year_retention",
    ),
    agent_stats_retention_days: numberParam(
      "Days of agent stats dbpurge keeps from versions.agent_stats_half_year_retention to versions.template_usage_rollup",
    ),
    agent_stats_retention_days_after_rollup: numberParam(
      "Days of raw agent stats dbpurge keeps from versions.template_usage_rollup",
    ),
    deployment_stats_window_rows_per_agent: numberParam(
      "workspace_agent_stats rows per connected agent inside the deployment-stats query's window",
    ),
    deployment_stats_cpu_s_per_row: numberParam(
      "GetDeploymentWorkspaceAgentStats CPU per workspace_agent_stats row in its window, CPU-seconds (replaces database.deployment_stats_cpu_s_per_agent)",
    ),
    daus_refresh_s: numberParam("Interval of each replica's metrics-cache DAU refresh, seconds"),
    daus_passes_per_refresh: numberParam(
      "Full reads of workspace_agent_stats per DAU refresh (deployment DAUs per cached time zone, template DAUs)",
    ),
    daus_cpu_s_per_row: numberParam(
      "GetDeploymentDAUs CPU per workspace_agent_stats row (it reads the whole table), CPU-seconds",
    ),
  })
  .describe(
    "Statements whose database cost grows with the stored agent stats (absent: the deployment-stats query costs database.deployment_stats_cpu_s_per_agent per agent and DAU scans are not modelled)",
  );

/** How one kind of user session behaves: its idle/active pattern, bytes when active, whether it can go direct. */
const sessionKindSchema = z
  .strictObject({
    active_s: distParam("Length of one active burst of the session, seconds"),
    idle_s: distParam("Length of one idle gap between bursts, seconds"),
    active_bytes_per_s: numberParam("Bytes per second while active, both directions"),
    can_go_direct: numberParam("1 when the kind can travel peer to peer (tailnet), 0 when always relayed"),
  })
  .describe("One kind of user session with a workspace");

const sessionKindsSchema = z
  .strictObject({
    ssh: sessionKindSchema,
    jetbrains: sessionKindSchema,
    web_terminal: sessionKindSchema,
    apps: sessionKindSchema,
    port_forward: sessionKindSchema,
  })
  .describe("User sessions by kind (used by a scenario's workload.sessions)");

const OVERLAY_PARAM_PATH = /^[a-z_]+\.[a-z0-9_]+$/;
const STATEMENT_REF = /^[a-z0-9_]+(\/(rows|[1-9][0-9]*))?$/;

/** One `overlays:` entry: a measure-db file, and which of its statements set which model parameters. */
export const overlayRefSchema = z.strictObject({
  file: z.string().min(1).describe("Path of the overlay, relative to the model file"),
  statements: z
    .record(
      z.string().regex(OVERLAY_PARAM_PATH, "a model parameter path section.parameter"),
      z
        .array(
          z
            .string()
            .regex(STATEMENT_REF, "a statement id, optionally followed by /rows or /<positive integer>"),
        )
        .min(1)
        .describe("Statement ids in the overlay's `statements`; `id/rows` divides by its rows per execution"),
    )
    .optional()
    .describe("Model parameter <- the sum of these overlay statements' cpu_s_per_execution"),
});

export const modelSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().min(1),
    calibration: z
      .strictObject({
        summary: z.string().describe("How the fitted values were obtained, in words"),
        fitted_parameters: z.array(z.string()).describe("Dotted paths of the parameters that were fitted"),
        figures: z.number().int().min(0).describe("How many measured figures the fit used"),
        measured_files: z
          .array(z.strictObject({ file: z.string(), sha256: z.string() }))
          .default([])
          .describe("Measured data the fit used, with content hashes"),
        seed: z.number().int().optional(),
        errors: z
          .array(
            z.strictObject({
              metric: z.string(),
              stage: z.string().nullable(),
              measured: z.string(),
              before: z.number().nullable(),
              after: z.number().nullable(),
            }),
          )
          .default([])
          .describe("Relative error of every figure before and after the fit"),
      })
      .optional(),
    extends: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A base model (name or path): this file's sections replace the base's parameters one by one (docs/model.md, Overlays)",
      ),
    overlays: z
      .array(overlayRefSchema)
      .optional()
      .describe(
        "Measured-cost files (capsim measure-db output) merged into the model, each value times database.measured_cost_scale",
      ),
    measured_cost_groups: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]*$/, "a group name: lower case, digits, _"),
        z.strictObject({
          scale: numberParam(
            "Target database CPU-seconds per CPU-second measured, for this group's parameters (replaces database.measured_cost_scale for them)",
          ),
          params: z
            .array(z.string().regex(OVERLAY_PARAM_PATH, "a model parameter path section.parameter"))
            .min(1)
            .describe("Overlay-merged parameters this scale multiplies; each must be set by an overlay"),
        }),
      )
      .optional()
      .describe(
        "Measured costs scaled apart from the rest (docs/model.md, Where the unexplained database CPU goes): each group's scale multiplies exactly its named overlay values",
      ),
    versions: z
      .strictObject({
        agent_metadata_batching: versionParam(
          "First Coder version whose agents batch metadata per agent on a 1 s tick (one RPC per tick)",
        ),
        agent_drpc_api: versionParam(
          "First Coder version whose agents talk to coderd over dRPC on their websocket (agent RPCs stop being HTTP requests)",
        ),
        coderd_metadata_batcher: versionParam(
          "First Coder version where coderd batches metadata updates (flush every 5 s or 500 entries)",
        ),
        pg_coordinator: versionParam(
          "First Coder version whose enterprise HA coordinator is the PG coordinator (default tailnet_coordinator with replicas > 1)",
        ).optional(),
        derp_https_latency: versionParam(
          "First Coder version whose agents' netcheck times every DERP region by HTTP(S) GET /derp/latency-check (STUN latency not stored): from it the DERP latency gauge is modelled (derp_latency:)",
        ).optional(),
        agents_collector_single_query: versionParam(
          "First Coder version whose Agents() collector reads workspaces, owners and agents in one query (no per-workspace lookups)",
        ).optional(),
        pg_coordinator_peers_tunnels: versionParam(
          "First Coder version whose PG coordinator keeps peers and tunnels (tailnet_peers, tailnet_tunnels); before it, agents and clients (tailnet_agents, tailnet_clients), each client mapped to one agent",
        ).optional(),
        agent_auth_joined_query: versionParam(
          "First Coder version whose HTTP agent authentication is one joined query (agent, workspace, owner, roles, groups: GetWorkspaceAgentAndOwnerByAuthToken) instead of the token lookup plus the owner's subject lookups",
        ).optional(),
        agent_auth_joined_query_read_until: versionParam(
          "First Coder version that no longer runs the joined query read (GetWorkspaceAgentAndOwnerByAuthToken, replaced by PR #12443 in v2.10): from it agent authentication is charged as generic reads (agent.auth_query_db_cpu_s applies before it)",
        ).optional(),
        provisioner_acquirer: versionParam(
          "First Coder version whose provisioner daemons wait on coderd's Acquirer (pubsub job postings wake one waiting daemon per replica) instead of polling AcquireJob on a timer; before it, provisioner_polling applies",
        ).optional(),
        queue_position_by_daemon: versionParam(
          "First Coder version whose build responses rank pending jobs against provisioner daemons by tag set (queue position)",
        ).optional(),
        workspaces_expanded: versionParam(
          "First Coder version whose workspace lookups read the workspaces_expanded view (owner, organization and template joined)",
        ).optional(),
        build_statements_v2_20: versionParam(
          "First Coder version with v2.20's build statements (acquire's owner SSH key, groups and roles; CompleteJob's job timings)",
        ).optional(),
        agent_stats_half_year_retention: versionParam(
          "First Coder version whose dbpurge keeps 6 months of agent stats (before it about a month)",
        ).optional(),
        template_usage_rollup: versionParam(
          "First Coder version that rolls agent stats up into template_usage_stats: DAUs read the rollup (no metrics-cache DAU scans of workspace_agent_stats) and dbpurge keeps about a day of raw agent stats",
        ).optional(),
      })
      .describe("Version boundaries of the mechanisms selected by deployment.coder_version"),
    network: z.strictObject({
      client_rtt_s: numberParam("Round trip between clients (agents, browsers, runner) and coderd, seconds"),
      db_rtt_s: numberParam("Round trip between coderd and PostgreSQL per query, seconds"),
    }),
    coderd: z.strictObject({
      agent_rpc_cpu_s: distParam("coderd CPU per agent API call (auth, decode, encode), CPU-seconds"),
      api_request_cpu_s: distParam("coderd CPU per dashboard/API HTTP request, CPU-seconds"),
      workspace_create_cpu_s: distParam("coderd CPU per workspace create or delete request, CPU-seconds"),
      connection_cpu_vcpu: numberParam(
        "Steady coderd CPU per connected agent (tailnet coordination, pings, runtime), vCPU per agent",
      ),
      relay_cpu_s_per_mib: numberParam(
        "coderd CPU per MiB relayed (websocket, DERP, wireguard), CPU-seconds per MiB; with relay_cpu_s_per_message, the per-byte part only (encryption, copies, packets past the first)",
      ),
      relay_cpu_s_per_message: numberParam(
        "coderd CPU per relayed message (each write and each echo: websocket frame, WireGuard packet, netstack segment, wake-ups), CPU-seconds; absent: the relay costs per MiB only",
      ).optional(),
      heartbeat_cpu_s: numberParam("coderd CPU per agent connection heartbeat, CPU-seconds"),
      heartbeat_batch_agents: numberParam(
        "Versions with coderd's batcher: agents' heartbeat updates written per batch at most (a flush at this many)",
      ),
      heartbeat_batch_interval_s: numberParam(
        "Versions with coderd's batcher: longest time between heartbeat batch flushes, seconds",
      ),
      pg_conn_idle_divisor: numberParam(
        "coderd keeps max_open / this many database connections open when idle (CODER_PG_CONN_MAX_IDLE=auto)",
      ),
      job_cpu_s: numberParam("coderd CPU per provisioner job event (acquire, update, complete), CPU-seconds"),
      deployment_stats_refresh_s: numberParam(
        "Interval of each replica's deployment-stats cache refresh (metricscache, AgentStatsRefreshInterval), seconds",
      ),
      agents_collector_interval_s: numberParam(
        "Interval of each replica's Agents() Prometheus collector (coderd_agents_connections, and its queries), seconds",
      ),
      memory_base_gb: numberParam("coderd resident memory with no load, GB"),
      memory_per_agent_mb: numberParam("coderd memory per connected agent, MB"),
      memory_per_websocket_mb: numberParam("coderd memory per open websocket, MB"),
      memory_per_relayed_mib_per_s_mb: numberParam(
        "coderd memory per MiB/s of relayed traffic (wireguard-go buffer pools), MB",
      ),
    }),
    database: z.strictObject({
      read_query_cpu_s: distParam("PostgreSQL CPU per small read query, CPU-seconds"),
      write_query_cpu_s: distParam("PostgreSQL CPU per single-row write (UPDATE/INSERT), CPU-seconds"),
      notify_cpu_s: distParam("PostgreSQL CPU per NOTIFY (pubsub publish), CPU-seconds"),
      metadata_write_cpu_s: distParam(
        "PostgreSQL CPU per agent-metadata UPDATE, CPU-seconds; absent: write_query_cpu_s (so a measured_cost_groups entry can scale the metadata path alone)",
      ).optional(),
      metadata_notify_cpu_s: distParam(
        "PostgreSQL CPU per agent-metadata NOTIFY, CPU-seconds; absent: notify_cpu_s",
      ).optional(),
      activity_bump_cpu_s: distParam(
        "PostgreSQL CPU of ActivityBumpWorkspace (the deadline-extending UPDATE a stats report with open sessions runs), CPU-seconds",
      ),
      notify_commit_s: distParam(
        "Time a NOTIFYing transaction holds PostgreSQL's global notify-queue lock at commit, without a WAL flush (a commit that wrote no WAL before its commit record, as pubsub.Publish's, does not wait for the disk), seconds",
      ),
      commit_flush_s: distParam(
        "WAL flush of a commit (synchronous_commit on), seconds: a NOTIFY that commits with a logged write in one transaction (a trigger) holds the notify-queue lock across it, on top of notify_commit_s; absent: 0",
      ).optional(),
      batch_row_cpu_s: numberParam("PostgreSQL CPU per row of a batched insert/update, CPU-seconds"),
      deployment_stats_cpu_s_per_agent: numberParam(
        "PostgreSQL CPU of coderd's deployment-stats refresh query (GetDeploymentWorkspaceAgentStats) per connected agent, CPU-seconds",
      ),
      background_vcpu: numberParam("PostgreSQL CPU with no queries (autovacuum, checkpointer, stats), vCPU"),
      shared_buffers_fraction: numberParam("shared_buffers as a fraction of instance memory"),
      memory_base_gb: numberParam("PostgreSQL memory outside shared_buffers with no connections, GB"),
      memory_per_connection_mb: numberParam("Memory per open PostgreSQL connection (backend), MB"),
      wal_flush_interval_s: numberParam("Interval of WAL writer flushes when there is WAL to write, seconds"),
      checkpoint_timeout_s: numberParam("Interval between checkpoints (checkpoint_timeout), seconds"),
      checkpoint_completion_target: numberParam(
        "Fraction of the checkpoint interval over which dirty pages are written (checkpoint_completion_target)",
      ),
      write_ops_sampling_s: numberParam(
        "Sampling period of the disk write-ops metric the figures are read from (Cloud SQL: 60 s), seconds",
      ),
      hot_row_bytes: numberParam(
        "Bytes per hot row (workspace_agents/workspaces) rewritten by heartbeats and bumps",
      ),
      page_bytes: numberParam("PostgreSQL page size, bytes"),
      stats_row_bytes: numberParam("Bytes per appended workspace_agent_stats row"),
      measured_cost_scale: numberParam(
        "Target database vCPU-seconds per CPU-second measured by the overlays' machine (k); multiplies every merged overlay value",
      ).optional(),
      connection_setup_cpu_s: numberParam(
        "PostgreSQL CPU of opening one connection (fork, authentication, backend start-up, exit), CPU-seconds; absent: connection churn not modelled",
      ).optional(),
      connection_cold_cache_cpu_s: numberParam(
        "PostgreSQL CPU a newly opened connection's backend spends on its first statements beyond what they cost on a warm backend (catalog and plan caches), CPU-seconds, charged with the opening; absent: 0",
      ).optional(),
      unexplained_vcpu: numberParam(
        "Named residual: database CPU that no modelled statement accounts for, carried as a steady load, vCPU",
      ).optional(),
    }),
    pubsub: z
      .strictObject({
        listener_cpu_s: numberParam(
          "PostgreSQL CPU per NOTIFY per listening connection (each listener's backend reads every notification), CPU-seconds",
        ),
        listeners_per_replica: numberParam("LISTEN connections each coderd replica holds (its pubsub)"),
      })
      .optional()
      .describe("NOTIFY fan-out to every listening coderd replica (absent: NOTIFY costs only notify_cpu_s)"),
    builds: z
      .strictObject({
        create_statements: numberParam(
          "Statements of one build request (handler and wsbuilder), round trips",
        ),
        create_db_cpu_s: numberParam("PostgreSQL CPU of one build request's statements, CPU-seconds"),
        acquire_statements: numberParam("Statements of a daemon acquiring a job (AcquireJob), round trips"),
        acquire_db_cpu_s: numberParam("PostgreSQL CPU of acquiring one job, CPU-seconds"),
        heartbeat_db_cpu_s: numberParam(
          "PostgreSQL CPU of one UpdateJob heartbeat without logs (job lookup + update), CPU-seconds",
        ),
        log_flush_db_cpu_s: numberParam(
          "PostgreSQL CPU of one UpdateJob carrying logs (job lookup + update, log insert, NOTIFY), CPU-seconds",
        ),
        log_flush_interval_s: numberParam(
          "Mean seconds between a running build's UpdateJob calls that carry logs (bursts of terraform output)",
        ),
        complete_start_statements: numberParam("Statements of CompleteJob for a start build, round trips"),
        complete_start_db_cpu_s: numberParam(
          "PostgreSQL CPU of CompleteJob for a start build (resources, agents, apps, state), CPU-seconds",
        ),
        complete_stop_statements: numberParam(
          "Statements of CompleteJob for a stop or delete build, round trips",
        ),
        complete_stop_db_cpu_s: numberParam(
          "PostgreSQL CPU of CompleteJob for a stop or delete build, CPU-seconds",
        ),
        acquire_v2_20_statements: numberParam(
          "Statements v2.20+ adds to an acquire (versions.build_statements_v2_20), round trips",
        ).optional(),
        acquire_v2_20_db_cpu_s: numberParam(
          "PostgreSQL CPU of the statements v2.20+ adds to an acquire, CPU-seconds",
        ).optional(),
        complete_v2_20_statements: numberParam(
          "Statements v2.20+ adds to CompleteJob (job timings), round trips",
        ).optional(),
        complete_v2_20_db_cpu_s: numberParam(
          "PostgreSQL CPU of the statements v2.20+ adds to CompleteJob, CPU-seconds",
        ).optional(),
        acquire_empty_db_cpu_s: numberParam(
          "PostgreSQL CPU of one AcquireProvisionerJob that finds no job (the Acquirer's other waiting daemons), CPU-seconds",
        ).optional(),
        queue_position_db_cpu_s: numberParam(
          "PostgreSQL CPU of the build response's queue-position query, fixed part, CPU-seconds",
        ).optional(),
        queue_position_db_cpu_s_per_pair: numberParam(
          "PostgreSQL CPU of the queue-position query per (pending job, online daemon) pair it ranks, CPU-seconds",
        ).optional(),
        workspace_view_lookup_db_cpu_s: numberParam(
          "PostgreSQL CPU of a workspace lookup through the workspaces_expanded view (versions.workspaces_expanded), CPU-seconds",
        ).optional(),
        workspace_table_lookup_db_cpu_s: numberParam(
          "PostgreSQL CPU of a workspace lookup on the table alone (what the phases' lookups are charged before the view), CPU-seconds",
        ).optional(),
        create_workspace_fetches: numberParam(
          "Workspace lookups among a build request's statements",
        ).optional(),
        acquire_workspace_fetches: numberParam("Workspace lookups among an acquire's statements").optional(),
        update_job_workspace_fetches: numberParam(
          "Workspace lookups among an UpdateJob call's statements",
        ).optional(),
        complete_workspace_fetches: numberParam(
          "Workspace lookups among CompleteJob's statements",
        ).optional(),
        agent_startup_workspace_fetches: numberParam(
          "Workspace lookups among a starting agent's statements",
        ).optional(),
        agent_startup_calls: numberParam(
          "Agent API calls of a starting agent (manifest, start-up, lifecycle reports, logs), each authenticated over HTTP before dRPC",
        ).optional(),
        agent_startup_statements: numberParam(
          "Statements of a starting agent's connection and start-up calls, round trips",
        ).optional(),
        agent_startup_db_cpu_s: numberParam(
          "PostgreSQL CPU of a starting agent's connection and start-up calls, CPU-seconds",
        ).optional(),
      })
      .optional()
      .describe(
        "Workspace builds' database work statement by statement (absent: provisioner.queries_per_create and writes_per_job_event)",
      ),
    agents_collector: z
      .strictObject({
        workspaces_query_cpu_s_per_workspace: numberParam(
          "PostgreSQL CPU of the collector's workspaces query (all workspaces, no limit) per workspace listed, CPU-seconds",
        ),
        per_workspace_cpu_s: numberParam(
          "PostgreSQL CPU of the collector's queries per workspace (owner, agents in the latest build), CPU-seconds",
        ),
        per_agent_cpu_s: numberParam(
          "PostgreSQL CPU of the collector's queries per agent (apps), CPU-seconds",
        ),
      })
      .optional()
      .describe("coderd's Agents() Prometheus collector (absent: not modelled)"),
    tailnet_coordinator: z
      .strictObject({
        heartbeat_interval_s: numberParam(
          "Interval of each coordinator's heartbeat (UpsertTailnetCoordinator, its trigger NOTIFYs), seconds",
        ),
        agent_node_updates: numberParam(
          "Node updates (UpsertTailnetPeer, trigger NOTIFY) an agent sends when it connects to the coordinator",
        ),
        client_node_updates: numberParam(
          "Node updates a new client peer (coder ssh, port-forward) sends when it connects",
        ),
        agent_node_updates_per_client: numberParam(
          "Node updates an agent sends when a client's tunnel to it appears (endpoints found once a peer is active)",
        ),
        client_node_updates_v1: numberParam(
          "Before versions.pg_coordinator_peers_tunnels: node updates a new client tailnet sends when it connects (each coderd-proxied connection is its own client then)",
        ).optional(),
        heartbeat_cpu_s: numberParam(
          "PostgreSQL CPU of UpsertTailnetCoordinator with its trigger, CPU-seconds",
        ).optional(),
        peer_upsert_cpu_s: numberParam(
          "PostgreSQL CPU of UpsertTailnetPeer with its trigger, CPU-seconds",
        ).optional(),
        peer_delete_cpu_s: numberParam(
          "PostgreSQL CPU of DeleteTailnetPeer with its trigger, CPU-seconds",
        ).optional(),
        tunnel_upsert_cpu_s: numberParam(
          "PostgreSQL CPU of UpsertTailnetTunnel with its trigger, CPU-seconds",
        ).optional(),
        tunnel_delete_cpu_s: numberParam(
          "PostgreSQL CPU of DeleteAllTailnetTunnels (one tunnel) with its trigger, CPU-seconds",
        ).optional(),
        peer_lookup_cpu_s: numberParam("PostgreSQL CPU of GetTailnetTunnelPeerIDs, CPU-seconds").optional(),
        mapping_query_cpu_s: numberParam(
          "PostgreSQL CPU of GetTailnetTunnelPeerBindings, CPU-seconds",
        ).optional(),
      })
      .optional()
      .describe(
        "The PG coordinator's database work (absent: not modelled); a cost absent is the model's mean write plus mean NOTIFY (trigger writes) or mean read",
      ),
    derp_latency: z
      .strictObject({
        probe_cpu_s: numberParam(
          "coderd CPU of one GET /derp/latency-check (the root middlewares and a handler that writes 200), CPU-seconds",
        ),
      })
      .optional()
      .describe(
        "The DERP latency gauge coderd_agents_connection_latencies_seconds (absent: not modelled): when an agent's tailnet starts, its netcheck times GET /derp/latency-check on a coderd replica (server time plus network.client_rtt_s); the agent's node keeps that value (later netchecks change only latency, which magicsock does not report)",
      ),
    replica_sync: z
      .strictObject({
        interval_s: numberParam(
          "Interval of each enterprise replica's replicasync loop (GetReplicasUpdatedAfter, Ping, UpdateReplica), seconds",
        ),
        ping_cpu_s: numberParam(
          "PostgreSQL CPU of database/sql's Ping (lib/pq sends an empty query), CPU-seconds",
        ),
      })
      .optional()
      .describe(
        "Enterprise coderd's replica heartbeat, on runs with more than one replica or the PG coordinator (absent: not modelled)",
      ),
    provisioner_polling: z
      .strictObject({
        poll_interval_s: numberParam(
          "Interval of an idle daemon's AcquireJob poll before the Acquirer (CODER_PROVISIONERD_POLL_INTERVAL, --provisioner-daemon-poll-interval), seconds",
        ),
        poll_jitter_s: numberParam("Random jitter added to each poll interval (uniform, 0..jitter), seconds"),
        builtin_debounce_s: numberParam(
          "Built-in daemons of one coderd share a debounce: no AcquireJob within this long of the last empty one, seconds",
        ),
        empty_acquire_cpu_s: numberParam(
          "PostgreSQL CPU of one AcquireProvisionerJob that finds no job, CPU-seconds",
        ),
      })
      .optional()
      .describe(
        "Idle provisioner daemons polling for jobs before versions.provisioner_acquirer (absent: not modelled)",
      ),
    agent: z.strictObject({
      metadata_report_tick_s: numberParam("Agent-side metadata report tick (batched versions), seconds"),
      auth_reads_per_rpc: numberParam("Read queries per agent API call (token lookup, workspace lookup)"),
      subject_lookup_reads: numberParam(
        "Reads the HTTP agent authentication adds before versions.agent_auth_joined_query (the owner's workspace, user and roles)",
      ).optional(),
      auth_query_db_cpu_s: numberParam(
        "PostgreSQL CPU of the joined agent-authentication query (from versions.agent_auth_joined_query until versions.agent_auth_joined_query_read_until), CPU-seconds",
      ).optional(),
      per_item_metadata_handler_reads: numberParam(
        "Reads the per-item metadata handler adds to each call (its own GetWorkspaceByAgentID beside dbauthz's), before versions.agent_metadata_batching",
      ).optional(),
      connect_delay_s: distParam("From build completion to the agent's first connection, seconds"),
      stats_flush_interval_s: numberParam("coderd's agent-stats batcher flush interval, seconds"),
      stats_flush_rows: numberParam("coderd's agent-stats batcher size trigger, rows"),
    }),
    metadata_batcher: z.strictObject({
      flush_interval_s: numberParam("coderd metadata batcher flush interval, seconds"),
      max_batch_entries: numberParam("Entries that trigger an early flush"),
      channel_capacity: numberParam("Buffered entries; updates are dropped when full"),
      agent_ids_per_notify: numberParam("Agent ids per NOTIFY message (8000-byte payload limit)"),
    }),
    dashboard: z.strictObject({
      api_calls_per_action: numberParam("API requests a browser makes per dashboard action (page view)"),
      reads_per_api_call: numberParam("Database reads per dashboard API request"),
      websockets_per_user: numberParam("Websockets a dashboard browser session holds open"),
    }),
    workspace_traffic: z.strictObject({
      setup_reads: numberParam("Database reads to open one workspace connection (auth, agent lookup)"),
      echo_factor: numberParam("Bytes relayed per byte written (2 = written and echoed back)"),
      session_message_bytes: numberParam(
        "Bytes per relayed message of a working user's session (workload.sessions); absent: traffic.bytes_per_tick",
      ).optional(),
    }),
    provisioner: z.strictObject({
      build_duration_s: distParam("Duration of a workspace start build (terraform apply), seconds"),
      delete_duration_s: distParam("Duration of a workspace delete build (terraform destroy), seconds"),
      building_vcpu: numberParam("CPU of a provisioner daemon while it runs terraform, vCPU"),
      idle_vcpu: numberParam("CPU of an idle provisioner daemon, vCPU"),
      update_interval_s: numberParam("Interval of UpdateJob calls (logs, heartbeat) during a build, seconds"),
      queries_per_create: numberParam("Database queries of one workspace-create API call"),
      writes_per_job_event: numberParam(
        "Database writes per provisioner job event (acquire, update, complete)",
      ),
    }),
    data_plane: z
      .strictObject({
        workspace_request_vcpu: numberParam("CPU request of a workspace pod, vCPU"),
        workspace_request_memory_gb: numberParam("Memory request of a workspace pod, GB"),
        idle_vcpu: numberParam("CPU an idle workspace (its agent) uses, vCPU"),
        idle_memory_gb: numberParam("Memory an idle workspace (its agent) uses, GB"),
        burst_vcpu: numberParam("CPU a workspace uses while its user builds or tests, vCPU"),
        burst_interval_s: numberParam("Mean time between bursts of a workspace in use, seconds"),
        burst_duration_s: numberParam("Mean length of a burst, seconds"),
        max_pods_per_node: numberParam("Most pods per workspace node"),
        autoscale_threshold: numberParam(
          "Share of node capacity (requests or usage) past which nodes are added",
        ),
        node_startup_s: distParam("From a scale-up decision to a ready node, seconds"),
        autoscaler_scan_s: numberParam("Interval of the cluster autoscaler's evaluation, seconds"),
        scale_down_unneeded_s: numberParam("How long a node must be empty before it is removed, seconds"),
      })
      .describe("Workspace pods and the node pool that runs them (used when a scenario has workspace_nodes)"),
    options: z
      .strictObject({
        dbcrypt_vcpu_per_replica: numberParam(
          "Extra coderd CPU per replica with database encryption on, vCPU",
        ),
        agent_stats_memory_per_agent_mb: numberParam(
          "Extra coderd memory per connected agent with Prometheus agent stats collection on, MB",
        ),
        api_rate_limit_per_min: numberParam("Coder's default API rate limit, requests per minute per user"),
        rate_limited_cpu_s: numberParam(
          "coderd CPU of a request answered 429 by the rate limiter, CPU-seconds",
        ),
        autobuild_poll_s: numberParam("Interval of coderd's autostart/autostop executor, seconds"),
      })
      .describe("Costs and defaults of deployment options"),
    reconnects: z
      .strictObject({
        agent_reconnect_delay_s: distParam(
          "From an agent's connection dropping to its reconnect attempt, seconds",
        ),
        client_reconnect_delay_s: distParam(
          "From a user's connection (SSH, terminal, app, dashboard websocket) dropping to its reconnect, seconds",
        ),
        agent_connect_cpu_s: distParam("coderd CPU of an agent (re)connection, CPU-seconds"),
        agent_connect_reads: numberParam("Database reads of an agent (re)connection (auth and manifest)"),
        agent_retry_max_s: numberParam(
          "Longest wait between an agent's reconnect attempts while no coderd replica answers, seconds",
        ),
      })
      .describe("What reconnecting after a replica loss costs (used by scenario events)"),
    session_kinds: sessionKindsSchema.optional(),
    data_volume: dataVolumeSchema.optional(),
    insights: z
      .strictObject({
        requests_per_load: numberParam(
          "API requests one insights page load makes, each running an insights query",
        ),
        query_cpu_s: distParam("Database CPU of one insights query (reads the stats tables), CPU-seconds"),
      })
      .optional()
      .describe("What an insights page load costs (used by a scenario's workload.insights)"),
    overload: overloadSchema,
    uncertainty: uncertaintySchema.optional(),
    uncertainty_ensemble: ensembleSchema.optional(),
    leaves_out: leavesOutSchema.optional(),
  })
  .superRefine(checkUncertainty)
  .describe("A capsim performance model of Coder: calibrated numbers with provenance");

export type ModelFile = z.output<typeof modelSchema>;
