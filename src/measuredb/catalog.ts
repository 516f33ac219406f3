import type pg from "pg";
import { buildStatements } from "./buildStatements.js";
import { type DataIds, METADATA_KEYS } from "./schema.js";

/**
 * The statements coderd issues for each request class of the model, with the texts of Coder's
 * queries (coderd/database/queries/*.sql; sqlc's @name arguments numbered $1.. in order of first use,
 * as sqlc does) and realistic parameters. Versions: the v2.8 era where the model is of v2.8, and the
 * newest form where the mechanism changed (coderd's metadata batcher, GetWorkspaceAgentsForMetrics).
 */
export interface StatementClass {
  id: string;
  /** Coder's query names (sqlc), or the pubsub call. */
  coderQueries: string[];
  /** Which request class or mechanism of the model issues it, and how often. */
  usedBy: string;
  /** Where the text comes from. */
  source: string;
  kind: "read" | "write" | "notify";
  /** Rows one execution writes (batch statements) or returns (reads); scales per-row costs. */
  rowsPerExecution: number;
  sql: string;
  /** Parameters of the i-th execution (i counts from 0 across warm-up and batches). */
  params(i: number): unknown[];
  /** Restores state the statement consumes before a batch (not measured), e.g. deadlines to bump. */
  beforeBatch?(client: pg.Client): Promise<void>;
  /** At most this many executions after each beforeBatch (classes that consume rows it makes). */
  maxExecutions?: number;
}

const Q = "coderd/database/queries";
const ZERO_TIME = "0001-01-01 00:00:00+00";
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
/** The coderd replica that records agent connections. */
const REPLICA_ID = "6c1e3a52-6b7e-4a43-9a8e-1f2d3c4b5a69";
/** The scale test's agent stats batch per second per replica: 2000 agents / 30 s. */
export const STATS_BATCH_SMALL = 67;
/** coderd's stats batcher flushes early at 80 % of 1024 rows; 500 is the size we compare with. */
export const STATS_BATCH_LARGE = 500;
/** coderd's metadata batcher (PR #21330) flushes at 500 entries. */
export const METADATA_BATCH_ENTRIES = 500;
/** Agent ids per batched metadata NOTIFY (8000-byte payload, 22-byte base64 ids). */
export const AGENT_IDS_PER_NOTIFY = 363;
/** Build log lines per InsertProvisionerJobLogs call (provisionerd sends logs in small batches). */
export const LOG_LINES_PER_CALL = 10;

export function buildCatalog(ids: DataIds): StatementClass[] {
  const n = ids.workspaces.length;
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  const now = () => new Date();

  const statsBatch = (rows: number) => (i: number) =>
    agentStatsRows(
      ids,
      Array.from({ length: rows }, (_, k) => (i * rows + k) % n),
    );

  return [
    {
      id: "api_key_lookup",
      coderQueries: ["GetAPIKeyByID"],
      usedBy:
        "every authenticated HTTP request (httpmw.ExtractAPIKey): dashboard, API clients, workspace connections",
      source: `${Q}/apikeys.sql`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tapi_keys\nWHERE\n\tid = $1\nLIMIT\n\t1",
      params: (i) => [at(ids.apiKeys, i)],
    },
    {
      id: "user_lookup",
      coderQueries: ["GetUserByID"],
      usedBy:
        "API-key authentication (the key's user) and the Agents() collector (once per workspace per minute)",
      source: `${Q}/users.sql`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tusers\nWHERE\n\tid = $1\nLIMIT\n\t1",
      params: (i) => [at(ids.users, i)],
    },
    {
      id: "agent_token_lookup",
      coderQueries: ["GetWorkspaceAgentByAuthToken"],
      usedBy: "agent authentication of every HTTP-era agent call (httpmw.ExtractWorkspaceAgent, v2.8)",
      source: `${Q}/workspaceagents.sql (v2.8 era)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tworkspace_agents\nWHERE\n\tauth_token = $1\nORDER BY\n\tcreated_at DESC",
      params: (i) => [at(ids.agentTokens, i)],
    },
    {
      id: "workspace_by_agent_lookup",
      coderQueries: ["GetWorkspaceByAgentID"],
      usedBy:
        "agent calls that need the workspace (metadata, stats; coder/coder #9782: done twice per metadata call)",
      source: `${Q}/workspaces.sql (v2.x)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\t*
FROM
\tworkspaces
WHERE
\tworkspaces.id = (
\t\tSELECT
\t\t\tworkspace_id
\t\tFROM
\t\t\tworkspace_builds
\t\tWHERE
\t\t\tworkspace_builds.job_id = (
\t\t\t\tSELECT
\t\t\t\t\tjob_id
\t\t\t\tFROM
\t\t\t\t\tworkspace_resources
\t\t\t\tWHERE
\t\t\t\t\tworkspace_resources.id = (
\t\t\t\t\t\tSELECT
\t\t\t\t\t\t\tresource_id
\t\t\t\t\t\tFROM
\t\t\t\t\t\t\tworkspace_agents
\t\t\t\t\t\tWHERE
\t\t\t\t\t\t\tworkspace_agents.id = $1
\t\t\t\t\t)
\t\t\t)
\t)`,
      params: (i) => [at(ids.agents, i)],
    },
    // The HTTP-era agent authentication (httpmw.ExtractWorkspaceAgent, every /workspaceagents/me/* call):
    // GetWorkspaceAgentAndOwnerByAuthToken in its two stored texts. The GROUP BY text is the later one (it sits
    // beside the coder_script era's log sources, late September 2023) and the last stored before PR #12443
    // replaced the query in v2.10; the subselect text (beside the older log-source enum) is PR #9123's first.
    {
      id: "agent_and_owner_by_token",
      coderQueries: ["GetWorkspaceAgentAndOwnerByAuthToken"],
      usedBy:
        "agent authentication of every HTTP-era agent call from v2.2 until the dRPC API (v2.9), and of the dRPC connection until v2.10 (httpmw.ExtractWorkspaceAgent)",
      source: `${Q}/workspaceagents.sql (the GROUP BY text: v2.2 (late September 2023) to v2.9; PR #12443 replaced it in v2.10)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tworkspace_agents.*,
\tworkspaces.id AS workspace_id,
\tusers.id AS owner_id,
\tusers.username AS owner_name,
\tusers.status AS owner_status,
\tarray_cat(
\t\tarray_append(users.rbac_roles, 'member'),
\t\tarray_append(ARRAY[]::text[], 'organization-member:' || organization_members.organization_id::text)
\t)::text[] as owner_roles,
\tarray_agg(COALESCE(group_members.group_id::text, ''))::text[] AS owner_groups
FROM users
\tINNER JOIN
\t\tworkspaces
\tON
\t\tworkspaces.owner_id = users.id
\tINNER JOIN
\t\tworkspace_builds
\tON
\t\tworkspace_builds.workspace_id = workspaces.id
\tINNER JOIN
\t\tworkspace_resources
\tON
\t\tworkspace_resources.job_id = workspace_builds.job_id
\tINNER JOIN
\t\tworkspace_agents
\tON
\t\tworkspace_agents.resource_id = workspace_resources.id
\tINNER JOIN -- every user is a member of some org
\t\torganization_members
\tON
\t\torganization_members.user_id = users.id
\tLEFT JOIN -- as they may not be a member of any groups
\t\tgroup_members
\tON
\t\tgroup_members.user_id = users.id
WHERE
\tworkspace_agents.auth_token = $1
GROUP BY
\tworkspace_agents.id,
\tworkspaces.id,
\tusers.id,
\torganization_members.organization_id,
\tworkspace_builds.build_number
ORDER BY
\tworkspace_builds.build_number DESC
LIMIT 1`,
      params: (i) => [at(ids.agentTokens, i)],
    },
    {
      id: "agent_and_owner_by_token_subselects",
      coderQueries: ["GetWorkspaceAgentAndOwnerByAuthToken"],
      usedBy:
        "the same authentication in PR #9123's first text (roles and groups as subqueries, no GROUP BY), August-September 2023",
      source: `${Q}/workspaceagents.sql (PR #9123, 2023-08; the GROUP BY text replaced it by late September 2023)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tworkspace_agents.*,
\tworkspaces.id AS workspace_id,
\tusers.id AS owner_id,
\tusers.username AS owner_name,
\tusers.status AS owner_status,
\tarray_cat(
\t\tarray_append(users.rbac_roles, 'member'),
\t\t(
\t\t\tSELECT
\t\t\t\tarray_agg(org_roles)
\t\t\tFROM
\t\t\t\torganization_members,
\t\t\t\tunnest(
\t\t\t\t\tarray_append(roles, 'organization-member:' || organization_members.organization_id::text)
\t\t\t\t\t) AS org_roles
\t\t\tWHERE
\t\t\t\t\tuser_id = users.id
\t\t)
\t\t) :: text[] AS owner_roles,
\t(
\t\tSELECT
\t\t\tarray_agg(
\t\t\t\tgroup_members.group_id :: text
\t\t\t\t)
\t\tFROM
\t\t\tgroup_members
\t\tWHERE
\t\t\t\tuser_id = users.id
\t) :: text[] AS owner_groups
FROM users
\t\t INNER JOIN
\t workspaces
\t ON
\t\t\t workspaces.owner_id = users.id
\t\t INNER JOIN
\t workspace_builds
\t ON
\t\t\t workspace_builds.workspace_id = workspaces.id
\t\t INNER JOIN
\t workspace_resources
\t ON
\t\t\t workspace_resources.job_id = workspace_builds.job_id
\t\t INNER JOIN
\t workspace_agents
\t ON
\t\t\t workspace_agents.resource_id = workspace_resources.id
WHERE
\t\tworkspace_agents.auth_token = $1
LIMIT 1`,
      params: (i) => [at(ids.agentTokens, i)],
    },
    // From v2.10 (PR #12443, which dropped GetWorkspaceAgentAndOwnerByAuthToken, and PR #12809, which
    // rewrote the new query before the release; docs/changelogs/v2.10.0.md lists both): the token lookup
    // that also checks the agent is the latest build's, followed by GetAuthorizationUserRoles. #12443's own
    // text (the one #12809 measured at 10 ms) was never released and is not stored: not measured.
    {
      id: "agent_and_latest_build_by_token",
      coderQueries: ["GetWorkspaceAgentAndLatestBuildByAuthToken"],
      usedBy:
        "agent authentication from v2.10 (httpmw.ExtractWorkspaceAgentAndLatestBuild): once per dRPC connection, per call on the HTTP routes left",
      source: `${Q}/workspaceagents.sql (after PR #12809, 2024-03-28, v2.10.0)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tworkspaces.*,
\tworkspace_agents.*,
\tworkspace_build_with_user.*
FROM
\tworkspace_agents
JOIN
\tworkspace_resources
ON
\tworkspace_agents.resource_id = workspace_resources.id
JOIN
\tworkspace_build_with_user
ON
\tworkspace_resources.job_id = workspace_build_with_user.job_id
JOIN
\tworkspaces
ON
\tworkspace_build_with_user.workspace_id = workspaces.id
WHERE
\t-- This should only match 1 agent, so 1 returned row or 0.
\tworkspace_agents.auth_token = $1::uuid
\tAND workspaces.deleted = FALSE
\t-- Filter out builds that are not the latest.
\tAND workspace_build_with_user.build_number = (
\t\t-- Select from workspace_builds as it's one less join compared
\t\t-- to workspace_build_with_user.
\t\tSELECT
\t\t\tMAX(build_number)
\t\tFROM
\t\t\tworkspace_builds
\t\tWHERE
\t\t\tworkspace_id = workspace_build_with_user.workspace_id
\t)`,
      params: (i) => [at(ids.agentTokens, i)],
    },
    {
      id: "authorization_user_roles",
      coderQueries: ["GetAuthorizationUserRoles"],
      usedBy:
        "agent authentication before PR #9123 (httpmw getAgentSubject: after the token lookup, GetWorkspaceByAgentID and GetUserByID); API-key authentication",
      source: `${Q}/users.sql (v2.x; the subqueries the later GetWorkspaceAgentAndOwnerByAuthToken copies)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tid, username, status,
\tarray_cat(
\t\tarray_append(users.rbac_roles, 'member'),
\t\t(
\t\t\tSELECT
\t\t\t\tarray_agg(org_roles)
\t\t\tFROM
\t\t\t\torganization_members,
\t\t\t\tunnest(
\t\t\t\t\tarray_append(roles, 'organization-member:' || organization_members.organization_id::text)
\t\t\t\t) AS org_roles
\t\t\tWHERE
\t\t\t\tuser_id = users.id
\t\t)
\t) :: text[] AS roles,
\t(
\t\tSELECT
\t\t\tarray_agg(
\t\t\t\tgroup_members.group_id :: text
\t\t\t)
\t\tFROM
\t\t\tgroup_members
\t\tWHERE
\t\t\tuser_id = users.id
\t) :: text[] AS groups
FROM
\tusers
WHERE
\tid = $1`,
      params: (i) => [at(ids.users, i)],
    },
    {
      id: "metadata_update_per_item",
      coderQueries: ["UpdateWorkspaceAgentMetadata"],
      usedBy:
        "every per-item metadata POST before agent-side batching (PR #10223/#10225, v2.3): one key per call (UNLOGGED table)",
      source: `${Q}/workspaceagents.sql (v2.2 era, before PR #10223)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `UPDATE
\tworkspace_agent_metadata
SET
\tvalue = $3,
\terror = $4,
\tcollected_at = $5
WHERE
\tworkspace_agent_id = $1
\tAND key = $2`,
      params: (i) => [
        at(ids.agents, i),
        METADATA_KEYS[i % METADATA_KEYS.length],
        `${(i * 7) % 100}.${i % 10}%`,
        "",
        now(),
      ],
    },
    {
      id: "workspace_lookup",
      coderQueries: ["GetWorkspaceByID"],
      usedBy: "workspace pages, builds and connections (httpmw.ExtractWorkspaceParam)",
      source: `${Q}/workspaces.sql (v2.x)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tworkspaces\nWHERE\n\tid = $1\nLIMIT\n\t1",
      params: (i) => [at(ids.workspaces, i)],
    },
    {
      id: "agent_lookup",
      coderQueries: ["GetWorkspaceAgentByID"],
      usedBy: "workspace connections and agent pages (httpmw.ExtractWorkspaceAgentParam)",
      source: `${Q}/workspaceagents.sql (newest)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tworkspace_agents\nWHERE\n\tid = $1\n\t-- Filter out deleted sub agents.\n\tAND deleted = FALSE",
      params: (i) => [at(ids.agents, i)],
    },
    {
      id: "workspaces_list_page",
      coderQueries: ["GetWorkspaces"],
      usedBy: "the dashboard's workspaces list (GET /api/v2/workspaces, one page of 25, no filter)",
      source: `${Q}/workspaces.sql (v2.x, before workspaces_expanded)`,
      kind: "read",
      rowsPerExecution: 25,
      sql: GET_WORKSPACES,
      params: () => getWorkspacesParams(25),
    },
    {
      id: "agents_collector_workspaces",
      coderQueries: ["GetWorkspaces"],
      usedBy: "the Agents() Prometheus collector, every minute per replica: all workspaces, no limit",
      source: `${Q}/workspaces.sql (v2.x) with coderd/prometheusmetrics/prometheusmetrics.go Agents()`,
      kind: "read",
      rowsPerExecution: n,
      sql: GET_WORKSPACES,
      params: () => getWorkspacesParams(0),
    },
    {
      id: "agents_collector_agents",
      coderQueries: ["GetWorkspaceAgentsInLatestBuildByWorkspaceID"],
      usedBy:
        "the Agents() collector, once per workspace per minute per replica (before GetWorkspaceAgentsForMetrics)",
      source: `${Q}/workspaceagents.sql`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tworkspace_agents.*
FROM
\tworkspace_agents
JOIN
\tworkspace_resources ON workspace_agents.resource_id = workspace_resources.id
JOIN
\tworkspace_builds ON workspace_resources.job_id = workspace_builds.job_id
WHERE
\tworkspace_builds.workspace_id = $1 :: uuid AND
\tworkspace_builds.build_number = (
    \tSELECT
\t\t\tMAX(build_number)
    \tFROM
\t\t\tworkspace_builds AS wb
    \tWHERE
\t\t\twb.workspace_id = $1 :: uuid
\t)
\t-- Filter out deleted sub agents.
\tAND workspace_agents.deleted = FALSE`,
      params: (i) => [at(ids.workspaces, i)],
    },
    {
      id: "agents_collector_apps",
      coderQueries: ["GetWorkspaceAppsByAgentID"],
      usedBy: "the Agents() collector, once per agent per minute per replica",
      source: `${Q}/workspaceapps.sql`,
      kind: "read",
      rowsPerExecution: 3,
      sql: "SELECT * FROM workspace_apps WHERE agent_id = $1 ORDER BY slug ASC",
      params: (i) => [at(ids.agents, i)],
    },
    {
      id: "agents_for_metrics",
      coderQueries: ["GetWorkspaceAgentsForMetrics"],
      usedBy:
        "the Agents() collector in the newest coderd: one query per minute per replica instead of 1 + 2 per workspace",
      source: `${Q}/workspaceagents.sql (newest)`,
      kind: "read",
      rowsPerExecution: n,
      sql: `SELECT
    w.id as workspace_id,
    w.name as workspace_name,
    u.username as owner_username,
    t.name as template_name,
    tv.name as template_version_name,
    workspace_agents.*
FROM workspaces w
JOIN users u ON w.owner_id = u.id
JOIN templates t ON w.template_id = t.id
JOIN workspace_builds wb ON w.id = wb.workspace_id
LEFT JOIN template_versions tv ON wb.template_version_id = tv.id
JOIN workspace_resources wr ON wb.job_id = wr.job_id
JOIN workspace_agents ON wr.id = workspace_agents.resource_id
WHERE w.deleted = false
AND wb.build_number = (
    SELECT MAX(wb2.build_number)
    FROM workspace_builds wb2
    WHERE wb2.workspace_id = w.id
)
AND workspace_agents.deleted = FALSE`,
      params: () => [],
    },
    {
      id: "deployment_agent_stats",
      coderQueries: ["GetDeploymentWorkspaceAgentStats"],
      usedBy:
        "the deployment-stats cache, every 30 s per replica (coderd/metricscache, window 15 min; coder/coder #21334)",
      source: `${Q}/workspaceagentstats.sql (v2.8 era)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `WITH agent_stats AS (
\tSELECT
\t\tcoalesce(SUM(rx_bytes), 0)::bigint AS workspace_rx_bytes,
\t\tcoalesce(SUM(tx_bytes), 0)::bigint AS workspace_tx_bytes,
\t\tcoalesce((PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY connection_median_latency_ms)), -1)::FLOAT AS workspace_connection_latency_50,
\t\tcoalesce((PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY connection_median_latency_ms)), -1)::FLOAT AS workspace_connection_latency_95
\t FROM workspace_agent_stats
\t \t-- The greater than 0 is to support legacy agents that don't report connection_median_latency_ms.
\t\tWHERE workspace_agent_stats.created_at > $1 AND connection_median_latency_ms > 0
), latest_agent_stats AS (
\tSELECT
\t\tcoalesce(SUM(session_count_vscode), 0)::bigint AS session_count_vscode,
\t\tcoalesce(SUM(session_count_ssh), 0)::bigint AS session_count_ssh,
\t\tcoalesce(SUM(session_count_jetbrains), 0)::bigint AS session_count_jetbrains,
\t\tcoalesce(SUM(session_count_reconnecting_pty), 0)::bigint AS session_count_reconnecting_pty
\t FROM (
\t\tSELECT *, ROW_NUMBER() OVER(PARTITION BY agent_id ORDER BY created_at DESC) AS rn
\t\tFROM workspace_agent_stats WHERE created_at > $1
\t) AS a WHERE a.rn = 1
)
SELECT * FROM agent_stats, latest_agent_stats`,
      params: () => [new Date(Date.now() - 15 * 60_000)],
    },
    {
      id: "deployment_workspace_stats",
      coderQueries: ["GetDeploymentWorkspaceStats"],
      usedBy: "the deployment-stats cache, every 30 s per replica, after GetDeploymentWorkspaceAgentStats",
      source: `${Q}/workspaces.sql (v2.x)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: GET_DEPLOYMENT_WORKSPACE_STATS,
      params: () => [],
    },
    {
      id: "insights_deployment_daus",
      coderQueries: ["GetDeploymentDAUs"],
      usedBy:
        "the insights/DAU cache (metricscache, hourly in v2.8; coder/coder #9901, #12134) over all agent stats",
      source: `${Q}/workspaceagentstats.sql (v2.8 era)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\t(created_at at TIME ZONE cast($1::integer as text))::date as date,
\tuser_id
FROM
\tworkspace_agent_stats
WHERE
\tconnection_count > 0
GROUP BY
\tdate, user_id
ORDER BY
\tdate ASC`,
      params: () => [0],
    },
    {
      id: "heartbeat_update",
      coderQueries: ["UpdateWorkspaceAgentConnectionByID"],
      usedBy:
        "every connected agent every 15 s (AgentConnectionUpdateFrequency) before the heartbeat batcher",
      source: `${Q}/workspaceagents.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `UPDATE
\tworkspace_agents
SET
\tfirst_connected_at = $2,
\tlast_connected_at = $3,
\tlast_connected_replica_id = $4,
\tdisconnected_at = $5,
\tupdated_at = $6
WHERE
\tid = $1`,
      params: (i) => {
        const t = now();
        return [at(ids.agents, i), new Date(t.getTime() - 3_600_000), t, REPLICA_ID, null, t];
      },
    },
    {
      id: "metadata_update_per_agent",
      coderQueries: ["UpdateWorkspaceAgentMetadata"],
      usedBy:
        "every agent metadata call before coderd's batcher (one per agent per changed 1 s tick; UNLOGGED table)",
      source: `${Q}/workspaceagents.sql`,
      kind: "write",
      rowsPerExecution: METADATA_KEYS.length,
      sql: `WITH metadata AS (
\tSELECT
\t\tunnest($2::text[]) AS key,
\t\tunnest($3::text[]) AS value,
\t\tunnest($4::text[]) AS error,
\t\tunnest($5::timestamptz[]) AS collected_at
)
UPDATE
\tworkspace_agent_metadata wam
SET
\tvalue = m.value,
\terror = m.error,
\tcollected_at = m.collected_at
FROM
\tmetadata m
WHERE
\twam.workspace_agent_id = $1
\tAND wam.key = m.key`,
      params: (i) => [
        at(ids.agents, i),
        [...METADATA_KEYS],
        METADATA_KEYS.map((_, k) => `${(i * 7 + k * 13) % 100}.${i % 10}%`),
        METADATA_KEYS.map(() => ""),
        METADATA_KEYS.map(() => now()),
      ],
    },
    {
      id: "metadata_notify_per_agent",
      coderQueries: ["pubsub.Publish(workspace_agent_metadata:<agent>)"],
      usedBy:
        "after every per-agent metadata update (coderd/agentapi/metadata.go); nobody listens unless a workspace page is open",
      source: "coderd/database/pubsub/pubsub.go Publish: select pg_notify(<quoted channel>, $1)",
      kind: "notify",
      rowsPerExecution: 1,
      sql: "",
      params: (i) => [
        JSON.stringify({ collected_at: now().toISOString(), keys: [...METADATA_KEYS] }),
        `workspace_agent_metadata:${at(ids.agents, i)}`,
      ],
    },
    {
      id: "metadata_batch_update",
      coderQueries: ["BatchUpdateWorkspaceAgentMetadata"],
      usedBy: `coderd's metadata batcher (PR #21330): one flush per 5 s or per ${METADATA_BATCH_ENTRIES} entries`,
      source: `${Q}/workspaceagents.sql (newest)`,
      kind: "write",
      rowsPerExecution: METADATA_BATCH_ENTRIES,
      sql: `WITH metadata AS (
\tSELECT
\t\tunnest($1::uuid[]) AS workspace_agent_id,
\t\tunnest($2::text[]) AS key,
\t\tunnest($3::text[]) AS value,
\t\tunnest($4::text[]) AS error,
\t\tunnest($5::timestamptz[]) AS collected_at
)
UPDATE
\tworkspace_agent_metadata wam
SET
\tvalue = m.value,
\terror = m.error,
\tcollected_at = m.collected_at
FROM
\tmetadata m
WHERE
\twam.workspace_agent_id = m.workspace_agent_id
\tAND wam.key = m.key`,
      params: (i) => {
        const agents = METADATA_BATCH_ENTRIES / METADATA_KEYS.length;
        const entries = Array.from({ length: METADATA_BATCH_ENTRIES }, (_, e) => ({
          agent: at(ids.agents, i * agents + Math.floor(e / METADATA_KEYS.length)),
          key: METADATA_KEYS[e % METADATA_KEYS.length]!,
        }));
        const t = now();
        return [
          entries.map((e) => e.agent),
          entries.map((e) => e.key),
          entries.map((_, e) => `${(i + e) % 100}%`),
          entries.map(() => ""),
          entries.map(() => t),
        ];
      },
    },
    {
      id: "metadata_batch_notify",
      coderQueries: ["pubsub.Publish(workspace_agent_metadata_batch)"],
      usedBy: `after each metadata batcher flush: ceil(agents/${AGENT_IDS_PER_NOTIFY}) NOTIFYs of base64 agent ids (agentid_chunks.go)`,
      source:
        "coderd/database/pubsub/pubsub.go Publish; coderd/agentapi/metadatabatcher/agentid_chunks.go payload",
      kind: "notify",
      rowsPerExecution: AGENT_IDS_PER_NOTIFY,
      sql: "",
      params: (i) => {
        const payload = Array.from({ length: AGENT_IDS_PER_NOTIFY }, (_, k) =>
          Buffer.from(at(ids.agents, i + k).replace(/-/g, ""), "hex").toString("base64url"),
        ).join("");
        return [payload, "workspace_agent_metadata_batch"];
      },
    },
    {
      id: "activity_bump",
      coderQueries: ["ActivityBumpWorkspace"],
      usedBy:
        "every agent stats report with open sessions (workspacestats.Reporter), then a NOTIFY on the workspace channel",
      source: `${Q}/activitybump.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: ACTIVITY_BUMP,
      params: (i) => [ZERO_TIME, at(ids.workspaces, i)],
      // The bump only moves a deadline that is more than 5 % into its hour: put every deadline back there.
      beforeBatch: async (client) => {
        await client.query(
          `UPDATE workspace_builds SET deadline = now() + interval '30 minutes' WHERE transition = 'start' AND deadline <> '${ZERO_TIME}'`,
        );
      },
    },
    {
      id: "job_update",
      coderQueries: ["UpdateProvisionerJobByID"],
      usedBy: "provisionerd's UpdateJob heartbeat every 5 s per running build (also with logs)",
      source: `${Q}/provisionerjobs.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tprovisioner_jobs\nSET\n\tupdated_at = $2\nWHERE\n\tid = $1",
      params: (i) => [at(ids.jobs, i), now()],
    },
    {
      id: "job_logs_insert",
      coderQueries: ["InsertProvisionerJobLogs"],
      usedBy: `workspace builds' log lines as provisionerd streams them (${LOG_LINES_PER_CALL} lines per call here)`,
      source: `${Q}/provisionerjoblogs.sql`,
      kind: "write",
      rowsPerExecution: LOG_LINES_PER_CALL,
      sql: `INSERT INTO
\tprovisioner_job_logs
SELECT
\t$1 :: uuid AS job_id,
\tunnest($2 :: timestamptz [ ]) AS created_at,
\tunnest($3 :: log_source [ ]) AS source,
\tunnest($4 :: log_level [ ]) AS LEVEL,
\tunnest($5 :: VARCHAR(128) [ ]) AS stage,
\tunnest($6 :: VARCHAR(1024) [ ]) AS output RETURNING *`,
      params: (i) => {
        const lines = Array.from({ length: LOG_LINES_PER_CALL }, (_, k) => k);
        return [
          at(ids.jobs, i),
          lines.map(() => now()),
          lines.map(() => "provisioner"),
          lines.map(() => "info"),
          lines.map(() => "Applying changes"),
          lines.map((k) => `kubernetes_deployment.main: Still creating... [${i * 10 + k}s elapsed]`),
        ];
      },
    },
    {
      id: "stats_insert_small",
      coderQueries: ["InsertWorkspaceAgentStats"],
      usedBy: `coderd's stats batcher flush each second: ${STATS_BATCH_SMALL} rows = 2000 agents reporting every 30 s`,
      source: `${Q}/workspaceagentstats.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: STATS_BATCH_SMALL,
      sql: INSERT_AGENT_STATS,
      params: statsBatch(STATS_BATCH_SMALL),
    },
    {
      id: "stats_insert_large",
      coderQueries: ["InsertWorkspaceAgentStats"],
      usedBy: `coderd's stats batcher flush of ${STATS_BATCH_LARGE} rows (it flushes early at 819 of 1024)`,
      source: `${Q}/workspaceagentstats.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: STATS_BATCH_LARGE,
      sql: INSERT_AGENT_STATS,
      params: statsBatch(STATS_BATCH_LARGE),
    },
    // Workspace builds' statements (issue 12, builds' database work): their own file.
    ...buildStatements(ids),
  ];
}

/** InsertWorkspaceAgentStats parameters: one row per picked workspace index (its owner, agent, template). */
export function agentStatsRows(ids: DataIds, pick: readonly number[]): unknown[] {
  const now = () => new Date();
  return [
    pick.map(() => crypto.randomUUID()),
    pick.map(() => now()),
    pick.map((k) => ids.users[k]),
    pick.map((k) => ids.workspaces[k]),
    pick.map(() => ids.templateId),
    pick.map((k) => ids.agents[k]),
    JSON.stringify(pick.map(() => ({ ssh: 1 }))),
    pick.map(() => 1),
    pick.map(() => 300),
    pick.map(() => 307200),
    pick.map(() => 300),
    pick.map(() => 307200),
    pick.map(() => 0),
    pick.map(() => 0),
    pick.map(() => 0),
    pick.map(() => 1),
    pick.map((k) => 5 + (k % 40)),
  ];
}

/** The ids of the statement classes (for validating a selection before any data exists). */
export function statementIds(): string[] {
  const one = ["00000000-0000-0000-0000-000000000001"];
  const ids = {
    workspaces: one,
    users: one,
    agents: one,
    agentTokens: one,
    jobs: one,
    latestBuilds: one,
    apiKeys: ["k"],
    templateId: one[0]!,
  };
  return buildCatalog(ids).map((c) => c.id);
}

/**
 * pubsub.Publish quotes the channel into the text (pg_notify's channel cannot be a parameter): the
 * statement text depends on the channel, passed as the last parameter here and spliced in.
 */
export function statementText(cls: StatementClass, params: unknown[]): { text: string; values: unknown[] } {
  if (cls.kind !== "notify") return { text: cls.sql, values: params };
  const [message, channel] = params as [string, string];
  return { text: `select pg_notify('${channel.replace(/'/g, "''")}', $1)`, values: [message] };
}

function getWorkspacesParams(limit: number): unknown[] {
  return ["false", "", ZERO_UUID, "", "", [], "", "", 120, "", ZERO_TIME, ZERO_TIME, limit, 0];
}

const INSERT_AGENT_STATS = `INSERT INTO
\tworkspace_agent_stats (
\t\tid,
\t\tcreated_at,
\t\tuser_id,
\t\tworkspace_id,
\t\ttemplate_id,
\t\tagent_id,
\t\tconnections_by_proto,
\t\tconnection_count,
\t\trx_packets,
\t\trx_bytes,
\t\ttx_packets,
\t\ttx_bytes,
\t\tsession_count_vscode,
\t\tsession_count_jetbrains,
\t\tsession_count_reconnecting_pty,
\t\tsession_count_ssh,
\t\tconnection_median_latency_ms
\t)
SELECT
\tunnest($1 :: uuid[]) AS id,
\tunnest($2 :: timestamptz[]) AS created_at,
\tunnest($3 :: uuid[]) AS user_id,
\tunnest($4 :: uuid[]) AS workspace_id,
\tunnest($5 :: uuid[]) AS template_id,
\tunnest($6 :: uuid[]) AS agent_id,
\tjsonb_array_elements($7 :: jsonb) AS connections_by_proto,
\tunnest($8 :: bigint[]) AS connection_count,
\tunnest($9 :: bigint[]) AS rx_packets,
\tunnest($10 :: bigint[]) AS rx_bytes,
\tunnest($11 :: bigint[]) AS tx_packets,
\tunnest($12 :: bigint[]) AS tx_bytes,
\tunnest($13 :: bigint[]) AS session_count_vscode,
\tunnest($14 :: bigint[]) AS session_count_jetbrains,
\tunnest($15 :: bigint[]) AS session_count_reconnecting_pty,
\tunnest($16 :: bigint[]) AS session_count_ssh,
\tunnest($17 :: double precision[]) AS connection_median_latency_ms`;

const ACTIVITY_BUMP = `WITH latest AS (
\tSELECT
\t\tworkspace_builds.id::uuid AS build_id,
\t\tworkspace_builds.deadline::timestamp with time zone AS build_deadline,
\t\tworkspace_builds.max_deadline::timestamp with time zone AS build_max_deadline,
\t\tworkspace_builds.transition AS build_transition,
\t\tprovisioner_jobs.completed_at::timestamp with time zone AS job_completed_at,
\t\t(
\t\t\tCASE
\t\t\t\tWHEN NOW() + ('60 minutes')::interval > $1 :: timestamptz
\t\t\t\t\tAND $1 > NOW()
\t\t\t\t\tTHEN
\t\t\t\t\t(($1 :: timestamptz) - NOW()) + CASE
\t\t\t\t\t\tWHEN templates.allow_user_autostop
\t\t\t\t\t    \tTHEN (workspaces.ttl / 1000 / 1000 / 1000 || ' seconds')::interval
\t\t\t\t\t\t\tELSE (templates.default_ttl / 1000 / 1000 / 1000 || ' seconds')::interval
\t\t\t\t\tEND
\t\t\t\tELSE
\t\t\t\t\t('60 minutes')::interval
\t\t\tEND
\t\t) AS ttl_interval
\tFROM workspace_builds
\tJOIN provisioner_jobs
\t\tON provisioner_jobs.id = workspace_builds.job_id
\tJOIN workspaces
\t\tON workspaces.id = workspace_builds.workspace_id
\tJOIN templates
\t\tON templates.id = workspaces.template_id
\tWHERE workspace_builds.workspace_id = $2::uuid
\tORDER BY workspace_builds.build_number DESC
\tLIMIT 1
)
UPDATE
\tworkspace_builds wb
SET
\tupdated_at = NOW(),
\tdeadline = CASE
\t\tWHEN l.build_max_deadline = '0001-01-01 00:00:00+00'
\t\tTHEN GREATEST(wb.deadline, NOW() + l.ttl_interval)
\t\tELSE LEAST(GREATEST(wb.deadline, NOW() + l.ttl_interval), l.build_max_deadline)
\tEND
FROM latest l
WHERE wb.id = l.build_id
AND l.job_completed_at IS NOT NULL
AND l.build_transition = 'start'
AND l.ttl_interval > '0 seconds'::interval
AND l.build_deadline != '0001-01-01 00:00:00+00'
AND l.build_deadline - (l.ttl_interval * 0.95) < NOW()`;

const GET_WORKSPACES = `SELECT
\tworkspaces.*,
\tCOALESCE(template_name.template_name, 'unknown') as template_name,
\tlatest_build.template_version_id,
\tlatest_build.template_version_name,
\tCOUNT(*) OVER () as count
FROM
    workspaces
JOIN
    users
ON
    workspaces.owner_id = users.id
LEFT JOIN LATERAL (
\tSELECT
\t\tworkspace_builds.transition,
\t\tworkspace_builds.template_version_id,
\t\ttemplate_versions.name AS template_version_name,
\t\tprovisioner_jobs.id AS provisioner_job_id,
\t\tprovisioner_jobs.started_at,
\t\tprovisioner_jobs.updated_at,
\t\tprovisioner_jobs.canceled_at,
\t\tprovisioner_jobs.completed_at,
\t\tprovisioner_jobs.error,
\t\tprovisioner_jobs.job_status
\tFROM
\t\tworkspace_builds
\tLEFT JOIN
\t\tprovisioner_jobs
\tON
\t\tprovisioner_jobs.id = workspace_builds.job_id
\tLEFT JOIN
\t\ttemplate_versions
\tON
\t\ttemplate_versions.id = workspace_builds.template_version_id
\tWHERE
\t\tworkspace_builds.workspace_id = workspaces.id
\tORDER BY
\t\tbuild_number DESC
\tLIMIT
\t\t1
) latest_build ON TRUE
LEFT JOIN LATERAL (
\tSELECT
\t\ttemplates.name AS template_name
\tFROM
\t\ttemplates
\tWHERE
\t\ttemplates.id = workspaces.template_id
) template_name ON true
WHERE
\tworkspaces.deleted = $1
\tAND CASE
\t\tWHEN $2 :: text != '' THEN
\t\t\tCASE
\t\t\t\tWHEN $2 = 'starting' THEN
\t\t\t\t    latest_build.job_status = 'running'::provisioner_job_status AND
\t\t\t\t\tlatest_build.transition = 'start'::workspace_transition
\t\t\t\tWHEN $2 = 'stopping' THEN
\t\t\t\t\tlatest_build.job_status = 'running'::provisioner_job_status AND
\t\t\t\t\tlatest_build.transition = 'stop'::workspace_transition
\t\t\t\tWHEN $2 = 'deleting' THEN
\t\t\t\t\tlatest_build.job_status = 'running' AND
\t\t\t\t\tlatest_build.transition = 'delete'::workspace_transition
\t\t\t    WHEN $2 = 'deleted' THEN
\t\t\t    \tlatest_build.job_status = 'succeeded'::provisioner_job_status AND
\t\t\t    \tlatest_build.transition = 'delete'::workspace_transition
\t\t\t\tWHEN $2 = 'stopped' THEN
\t\t\t\t\tlatest_build.job_status = 'succeeded'::provisioner_job_status AND
\t\t\t\t\tlatest_build.transition = 'stop'::workspace_transition
\t\t\t\tWHEN $2 = 'started' THEN
\t\t\t\t\tlatest_build.job_status = 'succeeded'::provisioner_job_status AND
\t\t\t\t\tlatest_build.transition = 'start'::workspace_transition
\t\t\t    WHEN $2 = 'running' THEN
\t\t\t\t\tlatest_build.job_status = 'succeeded'::provisioner_job_status AND
\t\t\t\t\tlatest_build.transition = 'start'::workspace_transition
\t\t\t\tWHEN $2 != '' THEN
\t\t\t    \tlatest_build.job_status = $2::provisioner_job_status
\t\t\t\tELSE
\t\t\t\t\ttrue
\t\t\tEND
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $3 :: uuid != '00000000-0000-0000-0000-000000000000'::uuid THEN
\t\t\tworkspaces.owner_id = $3
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $4 :: text != '' THEN
\t\t\tworkspaces.owner_id = (SELECT id FROM users WHERE lower(username) = lower($4) AND deleted = false)
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $5 :: text != '' THEN
\t\t\tworkspaces.template_id = ANY(SELECT id FROM templates WHERE lower(name) = lower($5) AND deleted = false)
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN array_length($6 :: uuid[], 1) > 0 THEN
\t\t\tworkspaces.template_id = ANY($6)
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $7 :: text != '' THEN
\t\t\tworkspaces.name ILIKE '%' || $7 || '%'
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $8 :: text != '' THEN
\t\t\t(
\t\t\t\tSELECT COUNT(*)
\t\t\t\tFROM
\t\t\t\t\tworkspace_resources
\t\t\t\tJOIN
\t\t\t\t\tworkspace_agents
\t\t\t\tON
\t\t\t\t\tworkspace_agents.resource_id = workspace_resources.id
\t\t\t\tWHERE
\t\t\t\t\tworkspace_resources.job_id = latest_build.provisioner_job_id AND
\t\t\t\t\tlatest_build.transition = 'start'::workspace_transition AND
\t\t\t\t\t$8 = (
\t\t\t\t\t\tCASE
\t\t\t\t\t\t\tWHEN workspace_agents.first_connected_at IS NULL THEN
\t\t\t\t\t\t\t\tCASE
\t\t\t\t\t\t\t\t\tWHEN workspace_agents.connection_timeout_seconds > 0 AND NOW() - workspace_agents.created_at > workspace_agents.connection_timeout_seconds * INTERVAL '1 second' THEN
\t\t\t\t\t\t\t\t\t\t'timeout'
\t\t\t\t\t\t\t\t\tELSE
\t\t\t\t\t\t\t\t\t\t'connecting'
\t\t\t\t\t\t\t\tEND
\t\t\t\t\t\t\tWHEN workspace_agents.disconnected_at > workspace_agents.last_connected_at THEN
\t\t\t\t\t\t\t\t'disconnected'
\t\t\t\t\t\t\tWHEN NOW() - workspace_agents.last_connected_at > INTERVAL '1 second' * $9 :: bigint THEN
\t\t\t\t\t\t\t\t'disconnected'
\t\t\t\t\t\t\tWHEN workspace_agents.last_connected_at IS NOT NULL THEN
\t\t\t\t\t\t\t\t'connected'
\t\t\t\t\t\t\tELSE
\t\t\t\t\t\t\t\tNULL
\t\t\t\t\t\tEND
\t\t\t\t\t)
\t\t\t) > 0
\t\tELSE true
\tEND
\tAND CASE
\t\tWHEN $10 :: text != '' THEN
\t\t\tdormant_at IS NOT NULL
\t\tELSE
\t\t\tdormant_at IS NULL
\tEND
\tAND CASE
\t\t  WHEN $11 :: timestamp with time zone > '0001-01-01 00:00:00Z' THEN
\t\t\t\t  workspaces.last_used_at <= $11
\t\t  ELSE true
\tEND
\tAND CASE
\t\t  WHEN $12 :: timestamp with time zone > '0001-01-01 00:00:00Z' THEN
\t\t\t\t  workspaces.last_used_at >= $12
\t\t  ELSE true
\tEND
ORDER BY
\t(latest_build.completed_at IS NOT NULL AND
\t\tlatest_build.canceled_at IS NULL AND
\t\tlatest_build.error IS NULL AND
\t\tlatest_build.transition = 'start'::workspace_transition) DESC,
\tLOWER(users.username) ASC,
\tLOWER(workspaces.name) ASC
LIMIT
\tCASE
\t\tWHEN $13 :: integer > 0 THEN
\t\t\t$13
\tEND
OFFSET
\t$14`;

const GET_DEPLOYMENT_WORKSPACE_STATS = `WITH workspaces_with_jobs AS (
\tSELECT
\tlatest_build.* FROM workspaces
\tLEFT JOIN LATERAL (
\t\tSELECT
\t\t\tworkspace_builds.transition,
\t\t\tprovisioner_jobs.id AS provisioner_job_id,
\t\t\tprovisioner_jobs.started_at,
\t\t\tprovisioner_jobs.updated_at,
\t\t\tprovisioner_jobs.canceled_at,
\t\t\tprovisioner_jobs.completed_at,
\t\t\tprovisioner_jobs.error
\t\tFROM
\t\t\tworkspace_builds
\t\tLEFT JOIN
\t\t\tprovisioner_jobs
\t\tON
\t\t\tprovisioner_jobs.id = workspace_builds.job_id
\t\tWHERE
\t\t\tworkspace_builds.workspace_id = workspaces.id
\t\tORDER BY
\t\t\tbuild_number DESC
\t\tLIMIT
\t\t\t1
\t) latest_build ON TRUE WHERE deleted = false
), pending_workspaces AS (
\tSELECT COUNT(*) AS count FROM workspaces_with_jobs WHERE
\t\tstarted_at IS NULL
), building_workspaces AS (
\tSELECT COUNT(*) AS count FROM workspaces_with_jobs WHERE
\t\tstarted_at IS NOT NULL AND
\t\tcanceled_at IS NULL AND
\t\tcompleted_at IS NULL AND
\t\tupdated_at - INTERVAL '30 seconds' < NOW()
), running_workspaces AS (
\tSELECT COUNT(*) AS count FROM workspaces_with_jobs WHERE
\t\tcompleted_at IS NOT NULL AND
\t\tcanceled_at IS NULL AND
\t\terror IS NULL AND
\t\ttransition = 'start'::workspace_transition
), failed_workspaces AS (
\tSELECT COUNT(*) AS count FROM workspaces_with_jobs WHERE
\t\t(canceled_at IS NOT NULL AND
\t\t\terror IS NOT NULL) OR
\t\t(completed_at IS NOT NULL AND
\t\t\terror IS NOT NULL)
), stopped_workspaces AS (
\tSELECT COUNT(*) AS count FROM workspaces_with_jobs WHERE
\t\tcompleted_at IS NOT NULL AND
\t\tcanceled_at IS NULL AND
\t\terror IS NULL AND
\t\ttransition = 'stop'::workspace_transition
)
SELECT
\tpending_workspaces.count AS pending_workspaces,
\tbuilding_workspaces.count AS building_workspaces,
\trunning_workspaces.count AS running_workspaces,
\tfailed_workspaces.count AS failed_workspaces,
\tstopped_workspaces.count AS stopped_workspaces
FROM pending_workspaces, building_workspaces, running_workspaces, failed_workspaces, stopped_workspaces`;
