import type pg from "pg";

/**
 * The tables measure-db's statements touch, shaped like Coder's (coderd/database/dump.sql @ 0001d501,
 * columns, types, defaults, UNLOGGED tables, indexes and foreign keys as there), and the data that
 * fills them at a chosen volume. Enums are cut to the values the data uses.
 */

/** How much data the database holds. */
export interface DataVolume {
  /** Workspaces, each with one owner, one running agent and two metadata items (the scale test). */
  workspaces: number;
  /** Minutes of agent stats history, one row per agent every 30 s (the stats refresh interval). */
  statsHistoryMinutes: number;
  /** Provisioner log lines per build job. */
  logLinesPerJob: number;
  /**
   * Builds per workspace, alternating start and stop and ending with the running start (3: start, stop,
   * start; 1: a new workspace, as in the 2000-user test). Absent: BUILDS_PER_WORKSPACE.
   */
  buildsPerWorkspace?: number;
}

export const DEFAULT_VOLUME: DataVolume = { workspaces: 2000, statsHistoryMinutes: 60, logLinesPerJob: 20 };

/** Builds per workspace by default: start, stop, start (the latest is running). */
export const BUILDS_PER_WORKSPACE = 3;
/** At most this many builds per workspace (their ids are spaced by workspace, see buildKey). */
export const MAX_BUILDS_PER_WORKSPACE = 99;

export function buildsPerWorkspace(v: Pick<DataVolume, "buildsPerWorkspace">): number {
  return v.buildsPerWorkspace ?? BUILDS_PER_WORKSPACE;
}

/**
 * The seed of build b (1-based) of workspace i in the deterministic ids (job, build, resource, agent,
 * token): i * 10 + b up to 9 builds (the ids every earlier measurement used), i * 100 + b beyond.
 */
export function buildKey(workspace: number, build: number, builds: number): number {
  return workspace * (builds < 10 ? 10 : 100) + build;
}
/** Apps per agent: the scale test's kubernetes-minimal template has three websocat apps. */
export const APPS_PER_AGENT = 3;
export const METADATA_KEYS = ["cpu", "mem"] as const;

const TYPES = `
CREATE TYPE login_type AS ENUM ('password', 'github', 'oidc', 'token', 'none');
CREATE TYPE user_status AS ENUM ('active', 'suspended', 'dormant');
CREATE TYPE api_key_scope AS ENUM ('all', 'application_connect');
CREATE TYPE provisioner_type AS ENUM ('echo', 'terraform');
CREATE TYPE provisioner_storage_method AS ENUM ('file');
CREATE TYPE provisioner_job_type AS ENUM ('template_version_import', 'workspace_build', 'template_version_dry_run');
CREATE TYPE provisioner_job_status AS ENUM ('pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown');
CREATE TYPE log_source AS ENUM ('provisioner_daemon', 'provisioner');
CREATE TYPE log_level AS ENUM ('trace', 'debug', 'info', 'warn', 'error');
CREATE TYPE workspace_transition AS ENUM ('start', 'stop', 'delete');
CREATE TYPE build_reason AS ENUM ('initiator', 'autostart', 'autostop');
CREATE TYPE automatic_updates AS ENUM ('always', 'never');
CREATE TYPE workspace_agent_lifecycle_state AS ENUM ('created', 'starting', 'start_timeout', 'start_error', 'ready', 'shutting_down', 'shutdown_timeout', 'shutdown_error', 'off');
CREATE TYPE workspace_agent_subsystem AS ENUM ('envbuilder', 'envbox', 'none', 'exectrace');
CREATE TYPE display_app AS ENUM ('vscode', 'vscode_insiders', 'web_terminal', 'ssh_helper', 'port_forwarding_helper');
CREATE TYPE agent_key_scope_enum AS ENUM ('all', 'no_user_data');
CREATE TYPE app_sharing_level AS ENUM ('owner', 'authenticated', 'public');
CREATE TYPE workspace_app_health AS ENUM ('disabled', 'initializing', 'healthy', 'unhealthy');
CREATE TYPE workspace_app_open_in AS ENUM ('tab', 'window', 'slim-window');
`;

const TABLES = `
CREATE TABLE organizations (
    id uuid NOT NULL PRIMARY KEY, name text NOT NULL, description text NOT NULL,
    created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,
    is_default boolean DEFAULT false NOT NULL, display_name text NOT NULL, icon text DEFAULT ''::text NOT NULL,
    deleted boolean DEFAULT false NOT NULL
);
CREATE TABLE users (
    id uuid NOT NULL PRIMARY KEY, email text NOT NULL, username text DEFAULT ''::text NOT NULL,
    hashed_password bytea NOT NULL, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, status user_status DEFAULT 'dormant'::user_status NOT NULL,
    rbac_roles text[] DEFAULT '{}'::text[] NOT NULL, login_type login_type DEFAULT 'password'::login_type NOT NULL,
    avatar_url text DEFAULT ''::text NOT NULL, deleted boolean DEFAULT false NOT NULL,
    last_seen_at timestamp without time zone DEFAULT '0001-01-01 00:00:00'::timestamp without time zone NOT NULL,
    quiet_hours_schedule text DEFAULT ''::text NOT NULL, name text DEFAULT ''::text NOT NULL,
    github_com_user_id bigint, hashed_one_time_passcode bytea, one_time_passcode_expires_at timestamp with time zone,
    is_system boolean DEFAULT false NOT NULL
);
CREATE TABLE organization_members (
    user_id uuid NOT NULL, organization_id uuid NOT NULL, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, roles text[] DEFAULT '{organization-member}'::text[] NOT NULL,
    CONSTRAINT organization_members_pkey PRIMARY KEY (organization_id, user_id)
);
CREATE TABLE group_members (
    user_id uuid NOT NULL, group_id uuid NOT NULL,
    CONSTRAINT group_members_user_id_group_id_key UNIQUE (user_id, group_id)
);
CREATE TABLE api_keys (
    id text NOT NULL PRIMARY KEY, hashed_secret bytea NOT NULL, user_id uuid NOT NULL,
    last_used timestamp with time zone NOT NULL, expires_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,
    login_type login_type NOT NULL, lifetime_seconds bigint DEFAULT 86400 NOT NULL,
    ip_address inet DEFAULT '0.0.0.0'::inet NOT NULL, token_name text DEFAULT ''::text NOT NULL,
    scope api_key_scope DEFAULT 'all'::api_key_scope NOT NULL
);
CREATE TABLE templates (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, organization_id uuid NOT NULL, deleted boolean DEFAULT false NOT NULL,
    name character varying(64) NOT NULL, provisioner provisioner_type NOT NULL, active_version_id uuid NOT NULL,
    description character varying(128) DEFAULT ''::character varying NOT NULL,
    default_ttl bigint DEFAULT '604800000000000'::bigint NOT NULL, created_by uuid NOT NULL,
    icon character varying(256) DEFAULT ''::character varying NOT NULL, user_acl jsonb DEFAULT '{}'::jsonb NOT NULL,
    group_acl jsonb DEFAULT '{}'::jsonb NOT NULL, display_name character varying(64) DEFAULT ''::character varying NOT NULL,
    allow_user_cancel_workspace_jobs boolean DEFAULT true NOT NULL, allow_user_autostart boolean DEFAULT true NOT NULL,
    allow_user_autostop boolean DEFAULT true NOT NULL, failure_ttl bigint DEFAULT 0 NOT NULL,
    time_til_dormant bigint DEFAULT 0 NOT NULL, time_til_dormant_autodelete bigint DEFAULT 0 NOT NULL,
    autostop_requirement_days_of_week smallint DEFAULT 0 NOT NULL, autostop_requirement_weeks bigint DEFAULT 0 NOT NULL,
    autostart_block_days_of_week smallint DEFAULT 0 NOT NULL, require_active_version boolean DEFAULT false NOT NULL,
    deprecated text DEFAULT ''::text NOT NULL, activity_bump bigint DEFAULT '3600000000000'::bigint NOT NULL,
    max_port_sharing_level app_sharing_level DEFAULT 'owner'::app_sharing_level NOT NULL
);
CREATE TABLE template_versions (
    id uuid NOT NULL PRIMARY KEY, template_id uuid, organization_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL, updated_at timestamp with time zone NOT NULL,
    name character varying(64) NOT NULL, readme character varying(1048576) NOT NULL, job_id uuid NOT NULL,
    created_by uuid NOT NULL, external_auth_providers jsonb DEFAULT '[]'::jsonb NOT NULL,
    message character varying(1048576) DEFAULT ''::character varying NOT NULL, archived boolean DEFAULT false NOT NULL
);
CREATE TABLE provisioner_jobs (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, started_at timestamp with time zone,
    canceled_at timestamp with time zone, completed_at timestamp with time zone, error text,
    organization_id uuid NOT NULL, initiator_id uuid NOT NULL, provisioner provisioner_type NOT NULL,
    storage_method provisioner_storage_method NOT NULL, type provisioner_job_type NOT NULL, input jsonb NOT NULL,
    worker_id uuid, file_id uuid NOT NULL, tags jsonb DEFAULT '{"scope": "organization"}'::jsonb NOT NULL,
    error_code text, trace_metadata jsonb,
    job_status provisioner_job_status GENERATED ALWAYS AS (
CASE
    WHEN (completed_at IS NOT NULL) THEN
    CASE
        WHEN (error <> ''::text) THEN 'failed'::provisioner_job_status
        WHEN (canceled_at IS NOT NULL) THEN 'canceled'::provisioner_job_status
        ELSE 'succeeded'::provisioner_job_status
    END
    ELSE
    CASE
        WHEN (error <> ''::text) THEN 'failed'::provisioner_job_status
        WHEN (canceled_at IS NOT NULL) THEN 'canceling'::provisioner_job_status
        WHEN (started_at IS NULL) THEN 'pending'::provisioner_job_status
        ELSE 'running'::provisioner_job_status
    END
END) STORED NOT NULL,
    logs_length integer DEFAULT 0 NOT NULL, logs_overflowed boolean DEFAULT false NOT NULL,
    CONSTRAINT max_provisioner_logs_length CHECK ((logs_length <= 1048576))
);
CREATE TABLE provisioner_job_logs (
    job_id uuid NOT NULL, created_at timestamp with time zone NOT NULL, source log_source NOT NULL,
    level log_level NOT NULL, stage character varying(128) NOT NULL, output character varying(1024) NOT NULL,
    id bigserial NOT NULL PRIMARY KEY
);
CREATE TABLE workspaces (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, owner_id uuid NOT NULL, organization_id uuid NOT NULL,
    template_id uuid NOT NULL, deleted boolean DEFAULT false NOT NULL, name character varying(64) NOT NULL,
    autostart_schedule text, ttl bigint,
    last_used_at timestamp with time zone DEFAULT '0001-01-01 00:00:00+00'::timestamp with time zone NOT NULL,
    dormant_at timestamp with time zone, deleting_at timestamp with time zone,
    automatic_updates automatic_updates DEFAULT 'never'::automatic_updates NOT NULL,
    favorite boolean DEFAULT false NOT NULL, next_start_at timestamp with time zone
);
CREATE TABLE workspace_builds (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, workspace_id uuid NOT NULL, template_version_id uuid NOT NULL,
    build_number integer NOT NULL, transition workspace_transition NOT NULL, initiator_id uuid NOT NULL,
    provisioner_state bytea, job_id uuid NOT NULL,
    deadline timestamp with time zone DEFAULT '0001-01-01 00:00:00+00'::timestamp with time zone NOT NULL,
    reason build_reason DEFAULT 'initiator'::build_reason NOT NULL, daily_cost integer DEFAULT 0 NOT NULL,
    max_deadline timestamp with time zone DEFAULT '0001-01-01 00:00:00+00'::timestamp with time zone NOT NULL,
    CONSTRAINT workspace_builds_job_id_key UNIQUE (job_id),
    CONSTRAINT workspace_builds_workspace_id_build_number_key UNIQUE (workspace_id, build_number)
);
CREATE TABLE workspace_resources (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL, job_id uuid NOT NULL,
    transition workspace_transition NOT NULL, type character varying(192) NOT NULL, name character varying(64) NOT NULL,
    hide boolean DEFAULT false NOT NULL, icon character varying(256) DEFAULT ''::character varying NOT NULL,
    instance_type character varying(256), daily_cost integer DEFAULT 0 NOT NULL
);
CREATE TABLE workspace_agents (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL, name character varying(64) NOT NULL,
    first_connected_at timestamp with time zone, last_connected_at timestamp with time zone,
    disconnected_at timestamp with time zone, resource_id uuid NOT NULL, auth_token uuid NOT NULL,
    auth_instance_id character varying, architecture character varying(64) NOT NULL, environment_variables jsonb,
    operating_system character varying(64) NOT NULL, instance_metadata jsonb, resource_metadata jsonb,
    directory character varying(4096) DEFAULT ''::character varying NOT NULL, version text DEFAULT ''::text NOT NULL,
    last_connected_replica_id uuid, connection_timeout_seconds integer DEFAULT 0 NOT NULL,
    troubleshooting_url text DEFAULT ''::text NOT NULL, motd_file text DEFAULT ''::text NOT NULL,
    lifecycle_state workspace_agent_lifecycle_state DEFAULT 'created'::workspace_agent_lifecycle_state NOT NULL,
    expanded_directory character varying(4096) DEFAULT ''::character varying NOT NULL,
    logs_length integer DEFAULT 0 NOT NULL, logs_overflowed boolean DEFAULT false NOT NULL,
    started_at timestamp with time zone, ready_at timestamp with time zone,
    subsystems workspace_agent_subsystem[] DEFAULT '{}'::workspace_agent_subsystem[],
    display_apps display_app[] DEFAULT '{vscode,vscode_insiders,web_terminal,ssh_helper,port_forwarding_helper}'::display_app[],
    api_version text DEFAULT ''::text NOT NULL, display_order integer DEFAULT 0 NOT NULL, parent_id uuid,
    api_key_scope agent_key_scope_enum DEFAULT 'all'::agent_key_scope_enum NOT NULL,
    deleted boolean DEFAULT false NOT NULL,
    CONSTRAINT max_logs_length CHECK ((logs_length <= 1048576))
);
CREATE UNLOGGED TABLE workspace_agent_metadata (
    workspace_agent_id uuid NOT NULL, display_name character varying(127) NOT NULL, key character varying(127) NOT NULL,
    script character varying(65535) NOT NULL, value character varying(65535) DEFAULT ''::character varying NOT NULL,
    error character varying(65535) DEFAULT ''::character varying NOT NULL, timeout bigint NOT NULL,
    "interval" bigint NOT NULL,
    collected_at timestamp with time zone DEFAULT '0001-01-01 00:00:00+00'::timestamp with time zone NOT NULL,
    display_order integer DEFAULT 0 NOT NULL,
    CONSTRAINT workspace_agent_metadata_pkey PRIMARY KEY (workspace_agent_id, key)
);
CREATE TABLE workspace_agent_stats (
    id uuid NOT NULL, created_at timestamp with time zone NOT NULL, user_id uuid NOT NULL, agent_id uuid NOT NULL,
    workspace_id uuid NOT NULL, template_id uuid NOT NULL, connections_by_proto jsonb DEFAULT '{}'::jsonb NOT NULL,
    connection_count bigint DEFAULT 0 NOT NULL, rx_packets bigint DEFAULT 0 NOT NULL, rx_bytes bigint DEFAULT 0 NOT NULL,
    tx_packets bigint DEFAULT 0 NOT NULL, tx_bytes bigint DEFAULT 0 NOT NULL,
    connection_median_latency_ms double precision DEFAULT '-1'::integer NOT NULL,
    session_count_vscode bigint DEFAULT 0 NOT NULL, session_count_jetbrains bigint DEFAULT 0 NOT NULL,
    session_count_reconnecting_pty bigint DEFAULT 0 NOT NULL, session_count_ssh bigint DEFAULT 0 NOT NULL,
    usage boolean DEFAULT false NOT NULL,
    CONSTRAINT agent_stats_pkey PRIMARY KEY (id)
);
CREATE TABLE workspace_apps (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL, agent_id uuid NOT NULL,
    display_name character varying(64) NOT NULL, icon character varying(256) NOT NULL,
    command character varying(65534), url character varying(65534), healthcheck_url text DEFAULT ''::text NOT NULL,
    healthcheck_interval integer DEFAULT 0 NOT NULL, healthcheck_threshold integer DEFAULT 0 NOT NULL,
    health workspace_app_health DEFAULT 'disabled'::workspace_app_health NOT NULL,
    subdomain boolean DEFAULT false NOT NULL, sharing_level app_sharing_level DEFAULT 'owner'::app_sharing_level NOT NULL,
    slug text NOT NULL, external boolean DEFAULT false NOT NULL, display_order integer DEFAULT 0 NOT NULL,
    hidden boolean DEFAULT false NOT NULL,
    open_in workspace_app_open_in DEFAULT 'slim-window'::workspace_app_open_in NOT NULL,
    CONSTRAINT workspace_apps_agent_id_slug_idx UNIQUE (agent_id, slug)
);
-- The views the v2.10 agent authentication reads (dump.sql of the v2.10 era: workspace_builds up to
-- max_deadline and the initiator's name and avatar).
CREATE VIEW visible_users AS SELECT users.id, users.username, users.avatar_url FROM users;
CREATE VIEW workspace_build_with_user AS
 SELECT workspace_builds.id, workspace_builds.created_at, workspace_builds.updated_at,
    workspace_builds.workspace_id, workspace_builds.template_version_id, workspace_builds.build_number,
    workspace_builds.transition, workspace_builds.initiator_id, workspace_builds.provisioner_state,
    workspace_builds.job_id, workspace_builds.deadline, workspace_builds.reason, workspace_builds.daily_cost,
    workspace_builds.max_deadline,
    COALESCE(visible_users.avatar_url, ''::text) AS initiator_by_avatar_url,
    COALESCE(visible_users.username, ''::text) AS initiator_by_username
   FROM (workspace_builds LEFT JOIN visible_users ON ((workspace_builds.initiator_id = visible_users.id)));
`;

/** Secondary indexes and foreign keys of dump.sql for these tables, created after the bulk load. */
const INDEXES = `
CREATE INDEX api_keys_last_used_idx ON api_keys USING btree (last_used DESC);
CREATE UNIQUE INDEX idx_api_key_name ON api_keys USING btree (user_id, token_name) WHERE (login_type = 'token'::login_type);
CREATE INDEX idx_api_keys_user ON api_keys USING btree (user_id);
CREATE INDEX idx_agent_stats_created_at ON workspace_agent_stats USING btree (created_at);
CREATE INDEX idx_agent_stats_user_id ON workspace_agent_stats USING btree (user_id);
CREATE INDEX workspace_agent_stats_template_id_created_at_user_id_idx ON workspace_agent_stats USING btree (template_id, created_at, user_id) INCLUDE (session_count_vscode, session_count_jetbrains, session_count_reconnecting_pty, session_count_ssh, connection_median_latency_ms) WHERE (connection_count > 0);
CREATE INDEX idx_provisioner_jobs_status ON provisioner_jobs USING btree (job_status);
CREATE INDEX provisioner_job_logs_id_job_id_idx ON provisioner_job_logs USING btree (job_id, id);
CREATE INDEX provisioner_jobs_started_at_idx ON provisioner_jobs USING btree (started_at) WHERE (started_at IS NULL);
CREATE INDEX provisioner_jobs_worker_id_organization_id_completed_at_idx ON provisioner_jobs USING btree (worker_id, organization_id, completed_at DESC);
CREATE UNIQUE INDEX idx_users_email ON users USING btree (email) WHERE (deleted = false);
CREATE UNIQUE INDEX idx_users_username ON users USING btree (username) WHERE (deleted = false);
CREATE UNIQUE INDEX users_email_lower_idx ON users USING btree (lower(email)) WHERE (deleted = false);
CREATE UNIQUE INDEX users_username_lower_idx ON users USING btree (lower(username)) WHERE (deleted = false);
CREATE UNIQUE INDEX templates_organization_id_name_idx ON templates USING btree (organization_id, lower((name)::text)) WHERE (deleted = false);
ALTER TABLE template_versions ADD CONSTRAINT template_versions_template_id_name_key UNIQUE (template_id, name);
CREATE INDEX idx_workspace_builds_initiator_id ON workspace_builds USING btree (initiator_id);
CREATE INDEX workspace_agents_auth_instance_id_deleted_idx ON workspace_agents USING btree (auth_instance_id, deleted);
CREATE INDEX workspace_agents_auth_token_idx ON workspace_agents USING btree (auth_token);
CREATE INDEX workspace_agents_resource_id_idx ON workspace_agents USING btree (resource_id);
CREATE INDEX workspace_resources_job_id_idx ON workspace_resources USING btree (job_id);
CREATE INDEX workspace_next_start_at_idx ON workspaces USING btree (next_start_at) WHERE (deleted = false);
CREATE INDEX workspace_template_id_idx ON workspaces USING btree (template_id) WHERE (deleted = false);
CREATE UNIQUE INDEX workspaces_owner_id_lower_idx ON workspaces USING btree (owner_id, lower((name)::text)) WHERE (deleted = false);
ALTER TABLE organization_members ADD CONSTRAINT organization_members_user_id_uuid_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE organization_members ADD CONSTRAINT organization_members_organization_id_uuid_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_user_id_uuid_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE provisioner_job_logs ADD CONSTRAINT provisioner_job_logs_job_id_fkey FOREIGN KEY (job_id) REFERENCES provisioner_jobs(id) ON DELETE CASCADE;
ALTER TABLE provisioner_jobs ADD CONSTRAINT provisioner_jobs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE template_versions ADD CONSTRAINT template_versions_template_id_fkey FOREIGN KEY (template_id) REFERENCES templates(id) ON DELETE CASCADE;
ALTER TABLE templates ADD CONSTRAINT templates_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE workspace_agent_metadata ADD CONSTRAINT workspace_agent_metadata_workspace_agent_id_fkey FOREIGN KEY (workspace_agent_id) REFERENCES workspace_agents(id) ON DELETE CASCADE;
ALTER TABLE workspace_agents ADD CONSTRAINT workspace_agents_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES workspace_resources(id) ON DELETE CASCADE;
ALTER TABLE workspace_apps ADD CONSTRAINT workspace_apps_agent_id_fkey FOREIGN KEY (agent_id) REFERENCES workspace_agents(id) ON DELETE CASCADE;
ALTER TABLE workspace_builds ADD CONSTRAINT workspace_builds_job_id_fkey FOREIGN KEY (job_id) REFERENCES provisioner_jobs(id) ON DELETE CASCADE;
ALTER TABLE workspace_builds ADD CONSTRAINT workspace_builds_template_version_id_fkey FOREIGN KEY (template_version_id) REFERENCES template_versions(id) ON DELETE CASCADE;
ALTER TABLE workspace_builds ADD CONSTRAINT workspace_builds_workspace_id_fkey FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE CASCADE;
ALTER TABLE workspace_resources ADD CONSTRAINT workspace_resources_job_id_fkey FOREIGN KEY (job_id) REFERENCES provisioner_jobs(id) ON DELETE CASCADE;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id) ON DELETE RESTRICT;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE RESTRICT;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_template_id_fkey FOREIGN KEY (template_id) REFERENCES templates(id) ON DELETE RESTRICT;
`;

/** Deterministic ids: uuid(kind, i) is the same in SQL and in the statement catalog. */
const id = (kind: string, expr: string) => `md5('${kind}' || (${expr})::text)::uuid`;

/**
 * The data: one organization and template (the scale test used one), N users each owning one
 * workspace with builds start/stop/start, an agent per start build (the latest connected), metadata,
 * apps, API keys, build logs and a stats history ending now. Server-side generate_series keeps it fast.
 */
function dataStatements(v: DataVolume): string[] {
  const n = v.workspaces;
  const statsRows = Math.round(v.statsHistoryMinutes * 2);
  const B = buildsPerWorkspace(v);
  if (!Number.isInteger(B) || B < 1 || B > MAX_BUILDS_PER_WORKSPACE) {
    throw new Error(`builds per workspace must be an integer 1..${MAX_BUILDS_PER_WORKSPACE}, got ${B}`);
  }
  const stride = B < 10 ? 10 : 100;
  const key = (b: string) => `i * ${stride} + ${b}`;
  // Builds alternate so that the latest (b = B) is a start; start builds have a resource and an agent.
  const firstStart = B % 2 === 1 ? 1 : 2;
  const isStart = `(${B} - b) % 2 = 0`;
  const age = `(${B + 1} - b)`;
  return [
    `INSERT INTO organizations VALUES (${id("org", "1")}, 'coder', '', now(), now(), true, 'Coder', '', false)`,
    `INSERT INTO users (id, email, username, hashed_password, created_at, updated_at, status, rbac_roles, login_type, last_seen_at)
     SELECT ${id("user", "i")}, 'scaletest-' || i || '@example.com', 'scaletest-' || i, '\\x00'::bytea,
            now() - interval '2 hours', now(), 'active', '{}', 'password', now()
     FROM generate_series(0, ${n}) i`,
    // Every user a member of the one organization with no extra roles; no explicit group memberships
    // (the scale test's users; the Everyone group was not a group_members row before it became a view).
    `INSERT INTO organization_members (user_id, organization_id, created_at, updated_at, roles)
     SELECT ${id("user", "i")}, ${id("org", "1")}, now() - interval '2 hours', now(), '{}'
     FROM generate_series(0, ${n}) i`,
    `INSERT INTO api_keys (id, hashed_secret, user_id, last_used, expires_at, created_at, updated_at, login_type, token_name)
     SELECT substr(md5('key' || i || k), 1, 10), sha256(('secret' || i || k)::bytea), ${id("user", "i")},
            now(), now() + interval '1 day', now() - interval '1 hour', now(),
            CASE WHEN k = 0 THEN 'password'::login_type ELSE 'token'::login_type END,
            CASE WHEN k = 0 THEN '' ELSE 'scaletest' END
     FROM generate_series(0, ${n}) i, generate_series(0, 1) k`,
    `INSERT INTO provisioner_jobs (id, created_at, updated_at, started_at, completed_at, error, organization_id, initiator_id, provisioner, storage_method, type, input, file_id)
     VALUES (${id("job", "-1")}, now() - interval '3 hours', now(), now() - interval '3 hours', now() - interval '3 hours', NULL,
             ${id("org", "1")}, ${id("user", "0")}, 'terraform', 'file', 'template_version_import', '{}', ${id("file", "1")})`,
    `INSERT INTO templates (id, created_at, updated_at, organization_id, name, provisioner, active_version_id, created_by, default_ttl)
     VALUES (${id("template", "1")}, now(), now(), ${id("org", "1")}, 'kubernetes-minimal', 'terraform', ${id("version", "1")}, ${id("user", "0")}, 28800000000000)`,
    `INSERT INTO template_versions (id, template_id, organization_id, created_at, updated_at, name, readme, job_id, created_by)
     VALUES (${id("version", "1")}, ${id("template", "1")}, ${id("org", "1")}, now(), now(), 'v1', '', ${id("job", "-1")}, ${id("user", "0")})`,
    `INSERT INTO workspaces (id, created_at, updated_at, owner_id, organization_id, template_id, name, ttl, last_used_at)
     SELECT ${id("ws", "i")}, now() - interval '2 hours', now(), ${id("user", "i")}, ${id("org", "1")}, ${id("template", "1")},
            'scaletest-' || i, 28800000000000, now()
     FROM generate_series(1, ${n}) i`,
    `INSERT INTO provisioner_jobs (id, created_at, updated_at, started_at, completed_at, error, organization_id, initiator_id, provisioner, storage_method, type, input, file_id)
     SELECT ${id("job", key("b"))}, now() - ${age} * interval '30 minutes', now() - ${age} * interval '29 minutes',
            now() - ${age} * interval '30 minutes', now() - ${age} * interval '29 minutes', NULL,
            ${id("org", "1")}, ${id("user", "i")}, 'terraform', 'file', 'workspace_build',
            jsonb_build_object('workspace_build_id', ${id("build", key("b"))}), ${id("file", "1")}
     FROM generate_series(1, ${n}) i, generate_series(1, ${B}) b`,
    `INSERT INTO workspace_builds (id, created_at, updated_at, workspace_id, template_version_id, build_number, transition, initiator_id, job_id, deadline)
     SELECT ${id("build", key("b"))}, now() - ${age} * interval '30 minutes', now(), ${id("ws", "i")}, ${id("version", "1")}, b,
            CASE WHEN ${isStart} THEN 'start'::workspace_transition ELSE 'stop'::workspace_transition END,
            ${id("user", "i")}, ${id("job", key("b"))},
            CASE WHEN b = ${B} THEN now() + interval '30 minutes' ELSE '0001-01-01 00:00:00+00' END
     FROM generate_series(1, ${n}) i, generate_series(1, ${B}) b`,
    `INSERT INTO workspace_resources (id, created_at, job_id, transition, type, name)
     SELECT ${id("resource", key("b"))}, now(), ${id("job", key("b"))}, 'start', 'kubernetes_deployment', 'main'
     FROM generate_series(1, ${n}) i, generate_series(${firstStart}, ${B}, 2) b`,
    `INSERT INTO workspace_agents (id, created_at, updated_at, name, first_connected_at, last_connected_at, disconnected_at,
                                   resource_id, auth_token, architecture, operating_system, lifecycle_state, version,
                                   connection_timeout_seconds, environment_variables, instance_metadata, resource_metadata)
     SELECT ${id("agent", key("b"))}, now() - ${age} * interval '29 minutes', now(), 'main',
            now() - ${age} * interval '28 minutes', now(),
            CASE WHEN b = ${B} THEN NULL ELSE now() - interval '40 minutes' END,
            ${id("resource", key("b"))}, ${id("token", key("b"))}, 'amd64', 'linux',
            CASE WHEN b = ${B} THEN 'ready'::workspace_agent_lifecycle_state ELSE 'off' END,
            'v2.8.4', 120, '{}', '{}', '{}'
     FROM generate_series(1, ${n}) i, generate_series(${firstStart}, ${B}, 2) b`,
    `INSERT INTO workspace_agent_metadata (workspace_agent_id, display_name, key, script, value, timeout, "interval", collected_at)
     SELECT ${id("agent", key(String(B)))}, k, k, 'coder stat ' || k, '12.5%', 1, 10, now()
     FROM generate_series(1, ${n}) i, unnest(ARRAY[${METADATA_KEYS.map((k) => `'${k}'`).join(", ")}]) k`,
    `INSERT INTO workspace_apps (id, created_at, agent_id, display_name, icon, command, slug, health)
     SELECT ${id("app", `i * 10 + a`)}, now(), ${id("agent", key(String(B)))}, 'wsec' || a, '', 'websocat', 'wsec' || a, 'disabled'
     FROM generate_series(1, ${n}) i, generate_series(1, ${APPS_PER_AGENT}) a`,
    `INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
     SELECT ${id("job", key("b"))}, now(), 'provisioner', 'info', 'Planning infrastructure',
            'kubernetes_deployment.main: Creating... line ' || l
     FROM generate_series(1, ${n}) i, generate_series(1, ${B}) b, generate_series(1, ${v.logLinesPerJob}) l`,
    `INSERT INTO workspace_agent_stats (id, created_at, user_id, agent_id, workspace_id, template_id, connections_by_proto,
                                        connection_count, rx_packets, rx_bytes, tx_packets, tx_bytes, connection_median_latency_ms,
                                        session_count_ssh, session_count_reconnecting_pty)
     SELECT gen_random_uuid(), now() - s * interval '30 seconds' - (i % 30) * interval '1 second',
            ${id("user", "i")}, ${id("agent", key(String(B)))}, ${id("ws", "i")}, ${id("template", "1")},
            '{"ssh": 1}', 1, 300, 307200, 300, 307200, 5 + (i % 40), (i % 2), 1 - (i % 2)
     FROM generate_series(1, ${n}) i, generate_series(0, ${Math.max(0, statsRows - 1)}) s`,
  ];
}

/** Creates the schema in an empty database, loads the data, indexes it and refreshes planner statistics. */
export async function createAndPopulate(
  client: pg.Client,
  volume: DataVolume,
  log: (line: string) => void,
): Promise<void> {
  await client.query(TYPES);
  await client.query(TABLES);
  for (const statement of dataStatements(volume)) await client.query(statement);
  log("indexes and foreign keys");
  await client.query(INDEXES);
  await client.query("VACUUM ANALYZE");
  await client.query("CHECKPOINT");
}

/** Row counts of the loaded tables, for the overlay's data-volume description. */
export async function tableRows(client: pg.Client): Promise<Record<string, number>> {
  const tables = [
    "users",
    "organization_members",
    "api_keys",
    "workspaces",
    "workspace_builds",
    "provisioner_jobs",
    "provisioner_job_logs",
    "workspace_resources",
    "workspace_agents",
    "workspace_agent_metadata",
    "workspace_apps",
    "workspace_agent_stats",
  ];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`);
    out[t] = Number(r.rows[0]!.n);
  }
  return out;
}

/** The ids statements use, aligned by workspace: agents[i] is the running agent of workspaces[i]. */
export interface DataIds {
  workspaces: string[];
  users: string[];
  agents: string[];
  agentTokens: string[];
  /** The latest build's provisioner job of each workspace. */
  jobs: string[];
  /** The latest build of each workspace. */
  latestBuilds: string[];
  /** Each user's session API key. */
  apiKeys: string[];
  templateId: string;
}

export async function loadIds(client: pg.Client): Promise<DataIds> {
  const rows = (
    await client.query<{
      w: string;
      u: string;
      a: string;
      t: string;
      j: string;
      b: string;
      k: string;
      tpl: string;
    }>(
      `SELECT w.id::text AS w, w.owner_id::text AS u, a.id::text AS a, a.auth_token::text AS t, b.job_id::text AS j,
              b.id::text AS b, k.id AS k, w.template_id::text AS tpl
       FROM workspaces w
       JOIN workspace_builds b ON b.workspace_id = w.id
            AND b.build_number = (SELECT max(build_number) FROM workspace_builds x WHERE x.workspace_id = w.id)
       JOIN workspace_resources r ON r.job_id = b.job_id
       JOIN workspace_agents a ON a.resource_id = r.id
       JOIN api_keys k ON k.user_id = w.owner_id AND k.login_type = 'password'
       ORDER BY w.name`,
    )
  ).rows;
  return {
    workspaces: rows.map((r) => r.w),
    users: rows.map((r) => r.u),
    agents: rows.map((r) => r.a),
    agentTokens: rows.map((r) => r.t),
    jobs: rows.map((r) => r.j),
    latestBuilds: rows.map((r) => r.b),
    apiKeys: rows.map((r) => r.k),
    templateId: rows[0]!.tpl,
  };
}
