import { z } from "zod";
import { distributionOrNumberSchema } from "../engine/random/index.js";

/** Scale-test phases a scenario can schedule, named as in Coder's scaletest runner. */
export const STAGE_NAMES = [
  "prepare",
  "ssh",
  "web_terminal",
  "workspace_apps",
  "dashboard",
  "cleanup",
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** `major.minor` or `major.minor.patch`; kept as a string because YAML reads an unquoted 2.10 as 2.1. */
export const CODER_VERSION_PATTERN = /^\d+\.\d+(\.\d+)?$/;

const count = () => z.number().int().min(0);
const atLeastOne = () => z.number().int().min(1);
const positive = () => z.number().positive();
const nonNegative = () => z.number().min(0);
const percent = () => z.number().min(0).max(100);
const nonNegativeDuration = () =>
  distributionOrNumberSchema.refine((v) => typeof v !== "number" || v >= 0, {
    error: "expected a duration of 0 s or more",
  });

// biome-ignore lint/suspicious/noControlCharactersInRegex: names reach terminals and file names; no controls
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** One-line text from input: no control characters (terminal escape sequences, newlines). */
const oneLine = () =>
  z.string().refine((text) => !CONTROL_CHARACTERS.test(text), {
    error: "control characters (escape sequences, newlines) are not allowed",
  });

const coderVersionSchema = z
  .string({
    error: (issue) =>
      typeof issue.input === "number"
        ? `expected a quoted version string like "2.8", got the number ${issue.input} (unquoted, 2.10 reads as 2.1)`
        : undefined,
  })
  .regex(CODER_VERSION_PATTERN, { error: 'expected a version like "2.8" or "2.29.1"' })
  .describe(
    'Coder version, "major.minor" or "major.minor.patch" (quote it in YAML); selects version-dependent mechanisms',
  );

export const coderdSchema = z
  .strictObject({
    replicas: atLeastOne().describe("Number of coderd replicas"),
    vcpu: positive().describe("vCPUs per coderd replica (Kubernetes request = limit)"),
    memory_gb: positive().describe("Memory per coderd replica, GB"),
    pg_conn_max_open: atLeastOne()
      .default(10)
      .describe("Maximum open PostgreSQL connections per coderd replica (CODER_PG_CONN_MAX_OPEN)"),
    builtin_provisioners: count()
      .default(0)
      .describe(
        "Built-in provisioner daemons per coderd replica (CODER_PROVISIONER_DAEMONS, Coder's default 3); they serve the " +
          "same job queue as the external daemons and run terraform on the replica's CPU. The scale test uses external daemons, so 0",
      ),
    database_encryption: z
      .boolean()
      .optional()
      .describe(
        "Database encryption of user tokens (CODER_EXTERNAL_TOKEN_ENCRYPTION_KEYS): costs the model's " +
          "options.dbcrypt_vcpu_per_replica on every replica (the seed: about 1 vCPU). Default false",
      ),
    prometheus_agent_stats: z
      .boolean()
      .optional()
      .describe(
        "Agent stats collection into Prometheus (CODER_PROMETHEUS_COLLECT_AGENT_STATS): coderd keeps series per " +
          "connected agent (the model's options.agent_stats_memory_per_agent_mb). Default false",
      ),
    autobuild_poll_interval_s: positive()
      .optional()
      .describe(
        "Interval of coderd's autostart/autostop executor (CODER_AUTOBUILD_POLL_INTERVAL), seconds; default the model's options.autobuild_poll_s (60 s)",
      ),
    tailnet_coordinator: z
      .enum(["pg", "memory"])
      .optional()
      .describe(
        "Tailnet coordinator: pg = the enterprise high-availability PG coordinator (enterprise/tailnet/pgcoord.go: " +
          "peers, tunnels and a 2 s heartbeat per replica in PostgreSQL), memory = the in-memory AGPL one. Default: pg " +
          "with more than one replica (replicas cannot connect workspaces without the HA licence, which turns pgcoord " +
          "on) from the model's versions.pg_coordinator, memory on one replica",
      ),
    rate_limit: z
      .strictObject({
        per_user_per_min: atLeastOne()
          .optional()
          .describe(
            "Requests per minute per user (CODER_API_RATE_LIMIT); default the model's options.api_rate_limit_per_min (512)",
          ),
      })
      .optional()
      .describe(
        "The API rate limiter: present = simulated. Each replica counts each user's requests in its own sliding " +
          "one-minute window (go-chi/httprate) and answers the excess with 429. Absent = not simulated (the scale " +
          "test's runner bypasses it as an owner)",
      ),
  })
  .describe("coderd API server replicas");

export const provisionersSchema = z
  .strictObject({
    count: count().describe(
      "Number of external provisioner daemons; each runs one workspace build at a time",
    ),
    vcpu: positive().describe("vCPUs per provisioner daemon"),
    memory_gb: positive().describe("Memory per provisioner daemon, GB"),
  })
  .describe("External provisioner daemons (coder provisioner start)");

export const databaseSchema = z
  .strictObject({
    vcpu: positive().describe("vCPUs of the PostgreSQL instance"),
    memory_gb: positive().describe("Memory of the PostgreSQL instance, GB"),
    agent_stats_history_days: nonNegative()
      .optional()
      .describe(
        "Days of agent stats (workspace_agent_stats) the database holds when the run starts: rows = workspaces x " +
          "the model's data_volume.agent_stats_rows_per_agent_day x agent_running_share x days. Default what dbpurge " +
          "keeps at deployment.coder_version (data_volume.agent_stats_retention_days_early, _days or _days_after_rollup, " +
          "by versions.agent_stats_half_year_retention and template_usage_rollup). 0 for a fresh deployment (a scale test). The deployment-stats and DAU " +
          "queries cost by these rows (docs/model.md, Statements that grow with the data)",
      ),
  })
  .describe("PostgreSQL database");

/** Clouds capsim ships a price table for (models/prices/<cloud>.yaml). */
export const CLOUDS = ["gke", "eks", "aks"] as const;

export const deploymentSchema = z
  .strictObject({
    coder_version: coderVersionSchema,
    coderd: coderdSchema,
    provisioners: provisionersSchema,
    database: databaseSchema,
    cloud: z
      .enum(CLOUDS)
      .optional()
      .describe(
        "Managed Kubernetes it runs on; picks the shipped price table models/prices/<cloud>.yaml for the cost. " +
          "Default gke (the scale test ran on GKE)",
      ),
  })
  .describe("The Coder deployment under test");

export const agentSchema = z
  .strictObject({
    metadata: z
      .strictObject({
        items: count().default(2).describe("Agent metadata items per workspace (template `metadata` blocks)"),
        interval_s: positive().default(10).describe("Collection interval of each metadata item, seconds"),
      })
      .prefault({})
      .describe("Agent metadata, written to the database by coderd"),
    stats_interval_s: positive().default(30).describe("Interval between agent stats reports, seconds"),
    heartbeat_interval_s: positive()
      .default(15)
      .describe("Interval between agent connection heartbeats, seconds"),
  })
  .prefault({})
  .describe("Workspace agent behaviour (one agent per workspace)");

export const trafficSchema = z
  .strictObject({
    bytes_per_tick: count().default(1024).describe("Bytes each connection writes per tick"),
    tick_interval_s: positive().default(0.1).describe("Interval between writes on each connection, seconds"),
    direct_connections: z
      .boolean()
      .default(false)
      .describe("Peer-to-peer connections to agents; false relays through coderd/DERP as in the scale test"),
  })
  .prefault({})
  .describe("Traffic generated by the ssh, web_terminal and workspace_apps stages");

export const dashboardSchema = z
  .strictObject({
    interval_s: positive()
      .default(10)
      .describe("Mean interval between dashboard page loads per user, seconds"),
    jitter_s: nonNegative().default(5).describe("Random jitter added to each interval, seconds"),
  })
  .prefault({})
  .describe("Dashboard stage: users browsing the web UI");

export const buildsSchema = z
  .strictObject({
    create_concurrency: count()
      .default(10)
      .describe("Workspace creations in flight at once during prepare (0 = unlimited)"),
    cleanup_concurrency: count()
      .default(10)
      .describe("Workspace deletions in flight at once during cleanup (0 = unlimited)"),
    wait_for: z
      .enum(["agent", "build", "response"])
      .default("agent")
      .describe(
        "What frees a create slot: the workspace's agent connecting (create-workspaces), its build finishing (--no-wait-for-agents), or the create request returning (NoWaitForBuild: the workspace-updates runner starts its builds back to back, so creates can outrun the daemons)",
      ),
  })
  .prefault({})
  .describe("Workspace build concurrency of the load generator");

/** Workspace connection kinds a working user can hold (ssh may go peer to peer). */
export const CONNECTION_KINDS = ["ssh", "web_terminal", "workspace_apps"] as const;

export const workdaySchema = z
  .strictObject({
    start_s: nonNegative()
      .default(0)
      .describe("When the simulated day begins, seconds from the start of the run"),
    duration_s: positive().describe("Length of the simulated day, seconds"),
    active_pct: percent()
      .default(100)
      .describe(
        "Share of workspaces used that day; the others stay stopped (the seed: inactive users consume nothing)",
      ),
    start_mean_s: nonNegative()
      .default(7200)
      .describe(
        "Mean time users start their workspaces, seconds after start_s (7200 = 09:00 for a day from 07:00)",
      ),
    start_spread_s: nonNegative()
      .default(1800)
      .describe("Standard deviation of start times (normal, kept inside the day), seconds"),
    autostart_pct: percent()
      .default(0)
      .describe(
        "Share of active workspaces started by an autostart schedule rather than by hand: schedule times fall on the " +
          "autostart_step_s grid and coderd's autobuild executor starts every due workspace at its next poll",
      ),
    autostart_step_s: positive()
      .default(1800)
      .describe("Grid of autostart schedule times (users pick 08:30, 09:00, ...), seconds"),
    work_mean_s: positive().default(28800).describe("Mean time from ready to stop, seconds"),
    work_spread_s: nonNegative().default(3600).describe("Standard deviation of the time worked, seconds"),
    connected_pct: percent()
      .default(100)
      .describe(
        "Share of working users holding one connection (IDE over SSH, web terminal or app) to their workspace",
      ),
    connection: z
      .enum(CONNECTION_KINDS)
      .default("ssh")
      .describe("Kind of that connection; ssh goes peer to peer when traffic.direct_connections is true"),
  })
  .describe(
    "A workday: users start (or autostart) their stopped workspaces around start_mean_s, work, and stop them; " +
      "builds queue for provisioners and, with workspace_nodes, pods wait for node capacity",
  );

export const apiClientsSchema = z
  .strictObject({
    count: count().describe("Number of scripted API clients, each authenticated as its own user"),
    requests_per_min: positive().describe("Requests each client sends per minute, at a fixed interval"),
  })
  .describe(
    "Scripted API clients (CI jobs, bots) sending API requests at a fixed rate during the traffic window",
  );

/** Kinds of user session with a workspace in a workload mix (`workload.sessions`). */
export const SESSION_KINDS = ["ssh", "jetbrains", "web_terminal", "apps", "port_forward"] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const sessionSchema = z
  .strictObject({
    kind: z
      .enum(SESSION_KINDS)
      .describe(
        "ssh (VS Code Remote or a terminal over `coder ssh`), jetbrains (JetBrains Gateway over SSH), web_terminal " +
          "(the dashboard's terminal), apps (workspace apps in the browser), port_forward (`coder port-forward`)",
      ),
    share: positive()
      .default(1)
      .describe(
        "Relative share of working users holding this kind of session (shares are normalised over the list)",
      ),
    active_s: nonNegativeDuration()
      .optional()
      .describe(
        "Length of one active burst (typing, builds, a page in use), seconds: a number or a distribution; default the " +
          "model's session_kinds.<kind>.active_s",
      ),
    idle_s: nonNegativeDuration()
      .optional()
      .describe(
        "Length of one idle gap between bursts (the session stays open, nothing flows), seconds; default the model's " +
          "session_kinds.<kind>.idle_s",
      ),
    active_bytes_per_s: nonNegative()
      .optional()
      .describe(
        "Bytes per second the session carries while active, both directions; default the model's " +
          "session_kinds.<kind>.active_bytes_per_s",
      ),
    direct: z
      .boolean()
      .default(false)
      .describe(
        "Peer to peer (NAT traversal succeeded): its bytes bypass coderd and workspace proxies. Only kinds the model " +
          "lets go direct (session_kinds.<kind>.can_go_direct); false relays through coderd or a workspace proxy",
      ),
  })
  .describe("One kind of session in the mix: how many hold it, its active/idle pattern, and how it travels");

/** Slots of a day profile: users active per 15 minutes, from 00:00. */
export const DAY_PROFILE_SLOTS = 96;
/** Length of one slot, seconds. */
export const DAY_PROFILE_SLOT_S = 86400 / DAY_PROFILE_SLOTS;

export const weekSchema = z
  .strictObject({
    days: z
      .number()
      .int()
      .min(1)
      .max(28)
      .default(7)
      .describe("Days simulated, from Monday 00:00 (7 = a week); days 6 and 7 of each week are the weekend"),
    peak_active_pct: percent()
      .default(60)
      .describe(
        "Users working at a weekday's busiest 15 minutes, percent of users: the day profile is scaled to this peak " +
          "(assumed: 60)",
      ),
    weekend_active_pct: percent()
      .default(10)
      .describe(
        "A weekend day's activity as a share of a weekday's, percent: the profile is scaled by it on Saturdays and Sundays (assumed: 10)",
      ),
    autostart_pct: percent()
      .default(0)
      .describe(
        "Share of starts made by an autostart schedule (on the autostart_step_s grid, at or before the user arrives; " +
          "coderd's autobuild executor starts due workspaces at its next poll)",
      ),
    autostart_step_s: positive().default(1800).describe("Grid of autostart schedule times, seconds"),
    rebuilds_per_user_per_day: nonNegative()
      .default(0)
      .describe(
        "Restarts (a stop build then a start build) per user active that day, spread over working time; the day's " +
          "active users are its peak count",
      ),
  })
  .describe(
    "Arrivals from the day profile: how many days, how busy the peak and the weekend are, autostart and rebuilds",
  );

export const insightsSchema = z
  .strictObject({
    users: count().describe(
      "Users who open the insights pages (template insights, deployment DAUs): admins, template owners",
    ),
    loads_per_day: positive()
      .default(4)
      .describe(
        "Insights page loads per such user per weekday, at times that follow the day profile (assumed: 4)",
      ),
  })
  .describe(
    "Insights/dashboard users: each page load runs the insights queries (the model's insights section), which read " +
      "the whole stats tables and load the database",
  );

export const workloadSchema = z
  .strictObject({
    users: count().describe("Number of users"),
    workspaces: count().optional().describe("Number of workspaces (one agent each); defaults to users"),
    agent: agentSchema,
    traffic: trafficSchema,
    dashboard: dashboardSchema,
    builds: buildsSchema,
    workday: workdaySchema.optional(),
    api_clients: apiClientsSchema.optional(),
    sessions: z
      .array(sessionSchema)
      .min(1)
      .optional()
      .describe(
        "The session mix of working users (workday or day profile): each working user holds one session of one " +
          "kind, drawn by share. Absent = the workday's single `connection` at the traffic stages' rate",
      ),
    session_bursts: z
      .enum(["events", "rate"])
      .optional()
      .describe(
        "How sessions' active bursts load the relays: `events` (the default), each burst and idle gap is an event and the relayed " +
          "load steps as sessions switch; `rate`, each open session carries its long-run mean, E[active_s] / " +
          "(E[active_s] + E[idle_s]) of its active bytes, and counts as that fraction of an active session: the same " +
          "means without the switches' fluctuation or their events (docs/workload.md)",
      ),
    day_profile: z
      .union([
        oneLine().min(1).max(1000),
        z.array(nonNegative()).length(DAY_PROFILE_SLOTS).describe("The 96 values inline"),
      ])
      .optional()
      .describe(
        "Arrivals from a day profile: users active per 15 minutes from 00:00 (96 values). `office` is the shipped " +
          "default (models/day-profiles/office.csv, an assumed single-timezone office day); else a CSV file `time,users` relative to the scenario's folder, as " +
          "exported from coderd_agents_connections history. Scaled to week.peak_active_pct at its busiest slot. " +
          "Users start (or autostart) their workspace as the count rises and stop it as it falls",
      ),
    week: weekSchema
      .optional()
      .describe(
        "Days, peak, weekend, autostart and rebuilds of the day-profile workload; defaults when absent",
      ),
    insights: insightsSchema.optional(),
  })
  .transform(({ workspaces, ...rest }) => ({ ...rest, workspaces: workspaces ?? rest.users }))
  .describe("The load applied to the deployment");

export const stageSchema = z
  .strictObject({
    name: z
      .enum(STAGE_NAMES)
      .describe(
        "Stage kind: prepare (create users, build workspaces), ssh (SSH traffic), web_terminal (web terminal traffic), " +
          "workspace_apps (workspace app traffic), dashboard (users browsing the UI), cleanup (delete workspaces and users)",
      ),
    start_s: nonNegative().describe("Start of the stage, seconds from the start of the simulated run"),
    duration_s: positive().describe("Length of the stage, seconds"),
    target_pct: z
      .number()
      .min(0)
      .max(100)
      .default(100)
      .describe("Share of workspaces (or users, for dashboard) taking part, percent"),
  })
  .describe("One phase of the scale test");

/** Each stage name may appear once; checked even when other stages are invalid so all problems show at once. */
export const stagesSchema = z
  .array(stageSchema)
  .superRefine(
    (stages, ctx) => {
      const firstIndex = new Map<string, number>();
      stages.forEach((stage: unknown, index) => {
        const name = (stage as { name?: unknown } | null)?.name;
        if (typeof name !== "string" || !(STAGE_NAMES as readonly string[]).includes(name)) return;
        const first = firstIndex.get(name);
        if (first === undefined) firstIndex.set(name, index);
        else
          ctx.addIssue({
            code: "custom",
            path: [index, "name"],
            message: `stage "${name}" appears more than once (first at stages.${first})`,
          });
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  )
  .describe(
    "Stages of the run; each stage name may appear once. At least one, unless workload.workday or workload.day_profile drives the run",
  );

export const workspacePodSchema = z
  .strictObject({
    cpu_request_vcpu: positive()
      .optional()
      .describe(
        "CPU request of a workspace pod, vCPU; default the model's data_plane.workspace_request_vcpu (the seed: 1)",
      ),
    memory_request_gb: positive()
      .optional()
      .describe(
        "Memory request of a workspace pod, GB; default the model's data_plane.workspace_request_memory_gb (the seed: 2)",
      ),
    idle_vcpu: nonNegative()
      .optional()
      .describe(
        "CPU an idle workspace uses (its agent), vCPU; default the model's data_plane.idle_vcpu (the seed: 0.1)",
      ),
    idle_memory_gb: nonNegative()
      .optional()
      .describe(
        "Memory an idle workspace uses, GB; default the model's data_plane.idle_memory_gb (the seed: 0.25)",
      ),
    burst_vcpu: nonNegative()
      .optional()
      .describe(
        "CPU a workspace uses while its user builds or tests, vCPU; default the model's data_plane.burst_vcpu",
      ),
    burst_interval_s: positive()
      .optional()
      .describe(
        "Mean time between bursts of a workspace in use, seconds; default the model's data_plane.burst_interval_s",
      ),
    burst_duration_s: positive()
      .optional()
      .describe("Mean length of a burst, seconds; default the model's data_plane.burst_duration_s"),
  })
  .describe("What one workspace pod asks for and uses (the same for every workspace)");

export const templateSchema = z
  .strictObject({
    name: z.string().min(1).describe("Template name"),
    share: positive()
      .default(1)
      .describe(
        "Relative share of workspaces built from this template (shares are normalised over the list)",
      ),
    build_s: nonNegativeDuration().describe(
      "Duration of a start build on a provisioner, seconds: a number (fixed) or a distribution; replaces the model's provisioner.build_duration_s",
    ),
    stop_s: nonNegativeDuration()
      .optional()
      .describe(
        "Duration of a stop or delete build, seconds (a number or a distribution); default the model's provisioner.delete_duration_s",
      ),
    vcpu: positive()
      .optional()
      .describe(
        "vCPUs a workspace of this template requests (for the cost); default the workspace pod request",
      ),
    memory_gb: positive()
      .optional()
      .describe(
        "Memory a workspace of this template requests, GB (for the cost); default the workspace pod request",
      ),
  })
  .describe("A workspace template: how long its builds take and what a workspace requests");

export const AUTOSCALE_SIGNALS = ["requests", "usage", "workspaces"] as const;

export const autoscalerSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run a cluster autoscaler; false keeps initial_nodes"),
    min_nodes: count().default(1).describe("Fewest nodes (the seed warns against scaling to zero)"),
    max_nodes: atLeastOne().default(100).describe("Most nodes"),
    scale_on: z
      .enum(AUTOSCALE_SIGNALS)
      .default("requests")
      .describe(
        "What keeps the pool under its threshold: CPU and memory requests, actual usage, or workspace count " +
          "(workspaces_per_node); pending pods always add nodes",
      ),
    threshold_pct: z
      .number()
      .gt(0)
      .max(100)
      .optional()
      .describe(
        "Add nodes when requests or usage pass this share of capacity; default the model's data_plane.autoscale_threshold (the seed: 80 %)",
      ),
    workspaces_per_node: atLeastOne()
      .optional()
      .describe("Target workspaces per node when scale_on is workspaces; default as many as fit"),
    node_startup_s: distributionOrNumberSchema
      .optional()
      .describe(
        "From the scale-up decision to a ready node, seconds (a number or a distribution); default the model's data_plane.node_startup_s",
      ),
    scale_down_idle_s: nonNegative()
      .optional()
      .describe(
        "An empty node is removed after this long (cluster-autoscaler scale-down-unneeded-time); default the model's data_plane.scale_down_unneeded_s",
      ),
    scan_interval_s: positive()
      .optional()
      .describe(
        "How often the autoscaler re-evaluates, seconds; default the model's data_plane.autoscaler_scan_s",
      ),
  })
  .describe("Cluster autoscaler of the workspace node pool");

export const workspaceNodesSchema = z
  .strictObject({
    vcpu: positive().describe("Allocatable vCPUs per node"),
    memory_gb: positive().describe("Allocatable memory per node, GB"),
    max_pods: atLeastOne()
      .optional()
      .describe("Most pods per node; default the model's data_plane.max_pods_per_node (256)"),
    initial_nodes: count().optional().describe("Nodes at the start of the run; default autoscaler.min_nodes"),
    placement: z
      .enum(["spread", "pack"])
      .default("spread")
      .describe(
        "kube-scheduler scoring: spread = LeastAllocated (Kubernetes' default), pack = MostAllocated",
      ),
    workspace: workspacePodSchema.prefault({}),
    autoscaler: autoscalerSchema.prefault({}),
  })
  .describe(
    "The workspace node pool (the data plane): a start build's pod waits for a node with room, and that wait is " +
      "part of the time to ready. Absent = pods are placed at once (not modelled)",
  );

const regionName = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
    error: "expected a region name of lower-case letters, digits and dashes",
  });

export const regionSchema = z
  .strictObject({
    name: regionName().describe("Region name (lower-case letters, digits, dashes)"),
    users_pct: percent().describe("Share of users in this region"),
    workspaces_in: regionName()
      .optional()
      .describe("Region whose cluster runs these users' workspaces; default the primary (first) region"),
    day_offset_h: z
      .number()
      .min(-24)
      .max(24)
      .optional()
      .describe(
        "Hours this region's clock runs ahead of the primary's (+5 for London against New York): under a day profile " +
          "its users follow the profile on their own clock, to the nearest 15 minutes. Default 0",
      ),
    proxy: z
      .strictObject({
        replicas: atLeastOne().describe("Workspace proxy replicas in this region"),
        vcpu: positive().describe("vCPUs per proxy replica"),
        memory_gb: positive().describe("Memory per proxy replica, GB"),
      })
      .optional()
      .describe(
        "A workspace proxy here relays this region's SSH, terminal and app traffic instead of coderd " +
          "(dashboard and API calls still go to coderd); not allowed in the primary region",
      ),
  })
  .describe("One region of users (and possibly workspaces and a workspace proxy)");

export const geographySchema = z
  .strictObject({
    regions: z
      .array(regionSchema)
      .min(1)
      .describe(
        "Regions; the first is the primary, where coderd and PostgreSQL run. users_pct must add up to 100",
      ),
    rtt_ms: z
      .array(
        z
          .strictObject({
            from: regionName().describe("One region"),
            to: regionName().describe("The other region"),
            rtt_ms: nonNegative().describe("Round trip between them, milliseconds"),
          })
          .describe("Round trip between two regions (symmetric)"),
      )
      .default([])
      .describe(
        "Round trips between regions; every pair of different regions needs one. Within a region: the model's network.client_rtt_s",
      ),
  })
  .superRefine((geo, ctx) => {
    const names = geo.regions.map((r) => r.name);
    geo.regions.forEach((r, i) => {
      if (names.indexOf(r.name) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["regions", i, "name"],
          message: `region "${r.name}" appears more than once`,
        });
      if (r.workspaces_in !== undefined && !names.includes(r.workspaces_in))
        ctx.addIssue({
          code: "custom",
          path: ["regions", i, "workspaces_in"],
          message: `no region named "${r.workspaces_in}"`,
        });
    });
    if (geo.regions[0]?.proxy)
      ctx.addIssue({
        code: "custom",
        path: ["regions", 0, "proxy"],
        message: "the primary region is served by coderd itself; put workspace proxies in other regions",
      });
    const total = geo.regions.reduce((s, r) => s + r.users_pct, 0);
    if (Math.abs(total - 100) > 1e-6)
      ctx.addIssue({ code: "custom", path: ["regions"], message: `users_pct adds up to ${total}, not 100` });
    const seen = new Set<string>();
    geo.rtt_ms.forEach((link, i) => {
      for (const key of ["from", "to"] as const)
        if (!names.includes(link[key]))
          ctx.addIssue({
            code: "custom",
            path: ["rtt_ms", i, key],
            message: `no region named "${link[key]}"`,
          });
      const pair = [link.from, link.to].sort().join(" ");
      if (link.from === link.to)
        ctx.addIssue({
          code: "custom",
          path: ["rtt_ms", i, "to"],
          message: "a round trip within a region comes from the model",
        });
      else if (seen.has(pair))
        ctx.addIssue({
          code: "custom",
          path: ["rtt_ms", i],
          message: `round trip ${link.from}-${link.to} given twice`,
        });
      seen.add(pair);
    });
    const unique = [...new Set(names)];
    for (let a = 0; a < unique.length; a++)
      for (let b = a + 1; b < unique.length; b++)
        if (!seen.has([unique[a], unique[b]].sort().join(" ")))
          ctx.addIssue({
            code: "custom",
            path: ["rtt_ms"],
            message: `missing the round trip between ${unique[a]} and ${unique[b]}`,
          });
  })
  .describe("Where users, workspaces and workspace proxies are, and the round trips between regions");

export const EVENT_KINDS = ["replica_loss", "scale_replicas", "database_failover"] as const;

/** When an event happens: `at_s`, or `at` relative to a stage (it then moves with the stage). */
const eventTime = {
  at_s: nonNegative().optional().describe("When, seconds from the start of the run (or give `at`)"),
  at: z
    .strictObject({
      stage: z.enum(STAGE_NAMES).describe("The stage the event is placed in"),
      offset_s: nonNegative().describe("Seconds after the stage's actual start"),
    })
    .optional()
    .describe(
      "When, relative to a stage's actual start: moves with the stage when prepare overruns (or give `at_s`)",
    ),
};

export const eventSchema = z
  .discriminatedUnion("kind", [
    z
      .strictObject({
        kind: z.literal("replica_loss").describe("A coderd replica dies"),
        ...eventTime,
        replica: count().optional().describe("Which replica (0-based); default the highest-numbered one up"),
        detect_s: nonNegative()
          .default(0)
          .describe(
            "Until clients notice: 0 when the pod's sockets are reset (a crash); about 30 s when a node vanishes " +
              "(websocket pings time out)",
          ),
        restart_after_s: positive()
          .optional()
          .describe(
            "Kubernetes restarts it this long after the loss; it then takes new connections only. Absent = stays down",
          ),
      })
      .describe(
        "Lose a coderd replica: requests on it fail, its long-lived connections reconnect to the others",
      ),
    z
      .strictObject({
        kind: z.literal("scale_replicas").describe("Change the number of coderd replicas"),
        ...eventTime,
        replicas: atLeastOne().describe(
          "Replicas from then on; removed replicas drop their connections (about 1/N each)",
        ),
      })
      .describe("Add or remove coderd replicas (the seed discourages autoscaling coderd)"),
    z
      .strictObject({
        kind: z.literal("database_failover").describe("PostgreSQL fails over to its standby"),
        ...eventTime,
        pause_s: positive().describe("How long the database serves nothing, seconds"),
      })
      .describe("A database failover: queries in flight fail, new ones wait, coderd's pools fill"),
  ])
  .describe("A failure or scale event");

type CheckContext = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

/** What the workload keys need of each other: something to run, one arrival process, a profile for the week. */
function workloadChecks(
  s: {
    stages: unknown[];
    workload: { workday?: unknown; day_profile?: unknown; week?: unknown; insights?: unknown };
  },
  ctx: CheckContext,
): void {
  const w = s.workload;
  if (s.stages.length === 0 && !w.workday && w.day_profile === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["stages"],
      message: "give at least one stage, or a workload.workday or workload.day_profile",
    });
  if (w.workday && w.day_profile !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["workload", "day_profile"],
      message: "give workload.workday or workload.day_profile, not both",
    });
  for (const key of ["week", "insights"] as const)
    if (w[key] !== undefined && w.day_profile === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["workload", key],
        message: `workload.${key} needs a workload.day_profile (\`office\` is the shipped one)`,
      });
}

/** The scenario file as written; `name` is optional here because its default is the file name. */
export const scenarioSchema = z
  .strictObject({
    name: oneLine()
      .min(1)
      .max(200)
      .optional()
      .describe("Scenario name; defaults to the file name without extension"),
    description: z.string().optional().describe("Free-text description"),
    model: oneLine()
      .min(1)
      .max(1000)
      .default("coder-v2.8")
      .describe("Performance model: a file in models/ named without .yaml (e.g. coder-v2.8), or a path"),
    deployment: deploymentSchema,
    workload: workloadSchema,
    stages: stagesSchema,
    warmup_s: nonNegative().default(0).describe("Initial period excluded from statistics, seconds"),
    seed: count().default(1).describe("Base random seed; replication r uses a stream derived from it"),
    replications: atLeastOne().default(3).describe("Independent replications (different random streams)"),
    scrape_interval_s: positive()
      .default(15)
      .describe("Interval of the simulated Prometheus scrape (time-series resolution), seconds"),
    workspace_nodes: workspaceNodesSchema.optional(),
    geography: geographySchema.optional(),
    events: z
      .array(eventSchema)
      .optional()
      .describe("Failures and scale events (replica loss, replica scaling, database failover), in any order"),
    templates: z
      .array(templateSchema)
      .min(1)
      .optional()
      .describe(
        "Workspace templates; when given, their build and stop durations replace the model's, each workspace " +
          "built from one template, assigned by share",
      ),
    prices: z
      .string()
      .min(1)
      .optional()
      .describe(
        "A price table file (models/prices/*.yaml format) for the cost, relative to the scenario; default the " +
          "shipped table of deployment.cloud",
      ),
    prediction: z
      .strictObject({
        draws: count()
          .refine((n) => n === 0 || (n >= 2 && n <= 1000), "0 (no prediction) or 2 to 1000")
          .describe(
            "Prediction draws this scenario runs by default (each one more replication at a point of the " +
              "model's uncertainty); 0: none, and the report says so and how to get them; --prediction-draws overrides",
          ),
      })
      .optional()
      .describe(
        "The 90 % prediction interval's default for this scenario (docs/uncertainty.md); default 6 draws",
      ),
  })
  .superRefine((s, ctx) => {
    workloadChecks(s, ctx);
    const stageStart = new Map(s.stages.map((st) => [st.name as string, st.start_s]));
    (s.events ?? []).forEach((e, i) => {
      if ((e.at_s === undefined) === (e.at === undefined))
        ctx.addIssue({ code: "custom", path: ["events", i], message: "give exactly one of at_s and at" });
      else if (e.at && !stageStart.has(e.at.stage))
        ctx.addIssue({
          code: "custom",
          path: ["events", i, "at", "stage"],
          message: `stage ${e.at.stage} is not in the scenario's stages`,
        });
    });
    // A lost replica must exist at that time: replay the scale events in (planned) time order.
    const plannedAt = (e: { at_s?: number; at?: { stage: string; offset_s: number } }): number =>
      e.at_s ?? (stageStart.get(e.at?.stage ?? "") ?? 0) + (e.at?.offset_s ?? 0);
    const events = (s.events ?? [])
      .map((e, i) => ({ e, i, at: plannedAt(e) }))
      .sort((a, b) => a.at - b.at || a.i - b.i);
    let replicas = s.deployment.coderd.replicas;
    for (const { e, i, at } of events) {
      if (e.kind === "scale_replicas") replicas = e.replicas;
      else if (e.kind === "replica_loss" && e.replica !== undefined && e.replica >= replicas)
        ctx.addIssue({
          code: "custom",
          path: ["events", i, "replica"],
          message: `replica ${e.replica} does not exist at ${at} s (${replicas} replicas, numbered from 0)`,
        });
    }
  })
  .describe("A capsim scenario: a Coder deployment, a workload and the stages of a scale test");

/** The scenario as written in the file (input side, before defaults). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioFile = z.output<typeof scenarioSchema>;
/** A resolved scenario: defaults applied, `workspaces` and `name` filled in. */
export type Scenario = Omit<ScenarioFile, "name"> & { name: string };
export type Stage = Scenario["stages"][number];
