import { createHash, randomBytes, randomUUID } from "node:crypto";
import type pg from "pg";
import { modernBuildStatements } from "./buildStatementsModern.js";
import type { StatementClass } from "./catalog.js";
import type { DataIds } from "./schema.js";

/**
 * The statements of a workspace build (issue 12: builds' database work), kept apart from the other
 * classes: the create request's inserts (coderd/wsbuilder), the provisioner's acquire, its UpdateJob
 * heartbeats and log flushes, and CompleteJob's resource, agent, app and state writes
 * (coderd/provisionerdserver/provisionerdserver.go, v2.x before multi-organization). Texts of
 * coderd/database/queries/{workspaces,provisionerjobs,workspacebuilds,workspaceresources,
 * workspaceagents,workspaceapps,templates,templateversions}.sql of that era; where Coder reads a view
 * (template_with_users, template_version_with_user) the view's join is inlined. The reads a build
 * issues beyond these (users, files, parameters: single-row or empty lookups) are charged as these
 * shapes by the model's mapping (models/coder-v2.8-measured.yaml), not measured one by one.
 */

const Q = "coderd/database/queries";
/** Rows a job-consuming class gets per batch (fresh rows made before each batch, not measured). */
export const BUILD_POOL = 600;
/** Executions per batch of the classes that consume a pool (warm-up and pilot included). */
const POOL_EXECUTIONS = 500;
/** Bytes of terraform state a start build stores (assumed: kubernetes_deployment + coder resources). */
export const BUILD_STATE_BYTES = 12_000;

/** PostgreSQL's md5(kind || n)::uuid, computed here: schema.ts's deterministic ids. */
export function seededUuid(kind: string, n: string | number): string {
  const h = createHash("md5").update(`${kind}${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ORG = seededUuid("org", 1);
const VERSION = seededUuid("version", 1);
const FILE = seededUuid("file", 1);
const PROVISIONER_TAGS = JSON.stringify({ scope: "organization", owner: "" });

/** Ids of rows made for one class before each batch; each execution takes one. */
class RowPool {
  private queue: string[] = [];
  constructor(private readonly make: (client: pg.Client, ids: string[]) => Promise<unknown>) {}
  async refill(client: pg.Client): Promise<void> {
    const ids = Array.from({ length: BUILD_POOL }, () => randomUUID());
    await this.make(client, ids);
    this.queue = ids;
  }
  take(): string {
    const id = this.queue.pop();
    if (id === undefined) throw new Error("build statement pool exhausted (more executions than BUILD_POOL)");
    return id;
  }
}

/** Fresh started workspace-build jobs (InsertWorkspaceBuild needs a job no build references yet). */
const insertJobs = (client: pg.Client, ids: string[]) =>
  client.query(
    `INSERT INTO provisioner_jobs (id, created_at, updated_at, started_at, organization_id, initiator_id, provisioner,
       storage_method, type, input, file_id)
     SELECT j, now(), now(), now(), '${ORG}', '${seededUuid("user", 0)}', 'terraform', 'file', 'workspace_build', '{}', '${FILE}'
     FROM unnest($1::uuid[]) j`,
    [ids],
  );

export function buildStatements(ids: DataIds): StatementClass[] {
  const n = ids.workspaces.length;
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  const now = () => new Date();
  const jobsForBuilds = new RowPool(insertJobs);
  // Half random (ids, tokens, hashes), half repeated structure: terraform state compresses, but not to nothing.
  const state = Buffer.concat([
    randomBytes(BUILD_STATE_BYTES / 2),
    Buffer.alloc(BUILD_STATE_BYTES / 2, '{"type":"coder_app"}'),
  ]);
  // A resource per build for the agents; agents for metadata and apps (FKs), made per batch.
  const resources = new RowPool((client, list) =>
    client.query(
      `INSERT INTO workspace_resources (id, created_at, job_id, transition, type, name)
       SELECT r, now(), '${ids.jobs[0]}', 'start', 'kubernetes_deployment', 'main' FROM unnest($1::uuid[]) r`,
      [list],
    ),
  );
  const pooled = { maxExecutions: POOL_EXECUTIONS };

  return [
    {
      id: "build_insert_workspace",
      coderQueries: ["InsertWorkspace"],
      usedBy:
        "the create request (coderd/workspaces.go postWorkspacesByOrganization), once per new workspace",
      source: `${Q}/workspaces.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspaces (
\t\tid,
\t\tcreated_at,
\t\tupdated_at,
\t\towner_id,
\t\torganization_id,
\t\ttemplate_id,
\t\tname,
\t\tautostart_schedule,
\t\tttl,
\t\tlast_used_at,
\t\tautomatic_updates
\t)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      params: (i) => {
        const t = now();
        return [
          randomUUID(),
          t,
          t,
          at(ids.users, i),
          ORG,
          ids.templateId,
          `build-${i}`,
          null,
          28800000000000,
          t,
          "never",
        ];
      },
    },
    {
      id: "build_insert_job",
      coderQueries: ["InsertProvisionerJob"],
      usedBy: "every build request (coderd/wsbuilder buildTx): the job row the provisioners queue on",
      source: `${Q}/provisionerjobs.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tprovisioner_jobs (
\t\tid,
\t\tcreated_at,
\t\tupdated_at,
\t\torganization_id,
\t\tinitiator_id,
\t\tprovisioner,
\t\tstorage_method,
\t\tfile_id,
\t\t"type",
\t\t"input",
\t\ttags,
\t\ttrace_metadata
\t)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      params: (i) => {
        const t = now();
        const input = JSON.stringify({ workspace_build_id: randomUUID(), log_level: "" });
        return [
          randomUUID(),
          t,
          t,
          ORG,
          at(ids.users, i),
          "terraform",
          "file",
          FILE,
          "workspace_build",
          input,
          PROVISIONER_TAGS,
          "{}",
        ];
      },
    },
    {
      id: "build_insert_build",
      coderQueries: ["InsertWorkspaceBuild"],
      usedBy: "every build request (coderd/wsbuilder buildTx), in the create transaction",
      source: `${Q}/workspacebuilds.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspace_builds (
\t\tid,
\t\tcreated_at,
\t\tupdated_at,
\t\tworkspace_id,
\t\ttemplate_version_id,
\t\t"build_number",
\t\ttransition,
\t\tinitiator_id,
\t\tjob_id,
\t\tprovisioner_state,
\t\tdeadline,
\t\tmax_deadline,
\t\treason
\t)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      params: (i) => {
        const t = now();
        const zero = "0001-01-01 00:00:00+00";
        return [
          randomUUID(),
          t,
          t,
          at(ids.workspaces, i),
          VERSION,
          100 + Math.floor(i / n),
          "start",
          at(ids.users, i),
          jobsForBuilds.take(),
          null,
          zero,
          zero,
          "initiator",
        ];
      },
      beforeBatch: (client) => jobsForBuilds.refill(client),
      ...pooled,
    },
    {
      id: "build_acquire_job",
      coderQueries: ["AcquireProvisionerJob"],
      usedBy:
        "a provisioner daemon taking the oldest pending job (coderd/provisionerdserver/acquirer.go), once per build",
      source: `${Q}/provisionerjobs.sql (v2.8 era, before organizations in the acquire)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `UPDATE
\tprovisioner_jobs
SET
\tstarted_at = $1,
\tupdated_at = $1,
\tworker_id = $2
WHERE
\tid = (
\t\tSELECT
\t\t\tid
\t\tFROM
\t\t\tprovisioner_jobs AS nested
\t\tWHERE
\t\t\tnested.started_at IS NULL
\t\t\tAND nested.provisioner = ANY($3 :: provisioner_type [ ])
\t\t\tAND CASE
\t\t\t\tWHEN nested.tags :: jsonb = '{"scope": "organization", "owner": ""}' :: jsonb
\t\t\t\tTHEN nested.tags :: jsonb = $4 :: jsonb
\t\t\t\tELSE nested.tags :: jsonb <@ $4 :: jsonb
\t\t\tEND
\t\tORDER BY
\t\t\tnested.created_at
\t\tFOR UPDATE
\t\tSKIP LOCKED
\t\tLIMIT
\t\t\t1
\t) RETURNING *`,
      params: () => [now(), seededUuid("daemon", 1), ["terraform"], PROVISIONER_TAGS],
      // A queue of BUILD_POOL pending jobs before each batch (the runner's creates outpacing 50 daemons).
      beforeBatch: async (client) => {
        await client.query("UPDATE provisioner_jobs SET started_at = now() WHERE started_at IS NULL");
        const list = Array.from({ length: BUILD_POOL }, () => randomUUID());
        await client.query(
          `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner,
             storage_method, type, input, file_id, tags)
           SELECT j, now() - (k * interval '1 ms'), now(), '${ORG}', '${seededUuid("user", 0)}', 'terraform', 'file',
                  'workspace_build', '{}', '${FILE}', $2::jsonb
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(j, k)`,
          [list, PROVISIONER_TAGS],
        );
      },
      ...pooled,
    },
    {
      id: "build_job_lookup",
      coderQueries: ["GetProvisionerJobByID"],
      usedBy:
        "every UpdateJob and CompleteJob call (the worker check), and the create request's template job",
      source: `${Q}/provisionerjobs.sql`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tprovisioner_jobs\nWHERE\n\tid = $1",
      params: (i) => [at(ids.jobs, i)],
    },
    {
      id: "build_build_lookup",
      coderQueries: ["GetWorkspaceBuildByID"],
      usedBy: "acquire and CompleteJob (the build of the job), and the create transaction's re-read",
      source: `${Q}/workspacebuilds.sql (the table; v2.8 reads the workspace_build_with_user view)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tworkspace_builds\nWHERE\n\tid = $1\nLIMIT\n\t1",
      params: (i) => [ids.latestBuilds[i % n]!],
    },
    {
      id: "build_latest_build",
      coderQueries: ["GetLatestWorkspaceBuildByWorkspaceID"],
      usedBy: "the create request (wsbuilder getLastBuild) and workspace pages",
      source: `${Q}/workspacebuilds.sql`,
      kind: "read",
      rowsPerExecution: 1,
      sql: "SELECT\n\t*\nFROM\n\tworkspace_builds\nWHERE\n\tworkspace_id = $1\nORDER BY\n\tbuild_number desc\nLIMIT\n\t1",
      params: (i) => [at(ids.workspaces, i)],
    },
    {
      id: "build_template_lookup",
      coderQueries: ["GetTemplateByID"],
      usedBy: "the create request (wsbuilder getTemplate, the handler) and acquire",
      source: `${Q}/templates.sql (template_with_users view inlined)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\ttemplates.*,
\tcoalesce(users.avatar_url, '') AS created_by_avatar_url,
\tcoalesce(users.username, '') AS created_by_username
FROM
\ttemplates
\tLEFT JOIN users ON templates.created_by = users.id
WHERE
\ttemplates.id = $1
LIMIT
\t1`,
      params: () => [ids.templateId],
    },
    {
      id: "build_template_version_lookup",
      coderQueries: ["GetTemplateVersionByID"],
      usedBy: "the create request (wsbuilder getTemplateVersion) and acquire",
      source: `${Q}/templateversions.sql (template_version_with_user view inlined)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\ttemplate_versions.*,
\tcoalesce(users.avatar_url, '') AS created_by_avatar_url,
\tcoalesce(users.username, '') AS created_by_username
FROM
\ttemplate_versions
\tLEFT JOIN users ON template_versions.created_by = users.id
WHERE
\ttemplate_versions.id = $1`,
      params: () => [VERSION],
    },
    {
      id: "build_insert_resource",
      coderQueries: ["InsertWorkspaceResource"],
      usedBy: "CompleteJob of a start build, per terraform resource with an agent (the template: 1)",
      source: `${Q}/workspaceresources.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspace_resources (id, created_at, job_id, transition, type, name, hide, icon, instance_type, daily_cost)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      params: (i) => [
        randomUUID(),
        now(),
        at(ids.jobs, i),
        "start",
        "kubernetes_deployment",
        "main",
        false,
        "",
        null,
        0,
      ],
    },
    {
      id: "build_insert_agent",
      coderQueries: ["InsertWorkspaceAgent"],
      usedBy: "CompleteJob of a start build, per agent (the template: 1)",
      source: `${Q}/workspaceagents.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspace_agents (
\t\tid,
\t\tcreated_at,
\t\tupdated_at,
\t\tname,
\t\tresource_id,
\t\tauth_token,
\t\tauth_instance_id,
\t\tarchitecture,
\t\tenvironment_variables,
\t\toperating_system,
\t\tdirectory,
\t\tinstance_metadata,
\t\tresource_metadata,
\t\tconnection_timeout_seconds,
\t\ttroubleshooting_url,
\t\tmotd_file,
\t\tdisplay_apps
\t)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING *`,
      params: () => {
        const t = now();
        const apps = ["vscode", "vscode_insiders", "web_terminal", "ssh_helper", "port_forwarding_helper"];
        return [
          randomUUID(),
          t,
          t,
          "m",
          resources.take(),
          randomUUID(),
          null,
          "amd64",
          null,
          "linux",
          "",
          null,
          null,
          120,
          "",
          "",
          apps,
        ];
      },
      beforeBatch: (client) => resources.refill(client),
      ...pooled,
    },
    {
      id: "build_insert_agent_metadata",
      coderQueries: ["InsertWorkspaceAgentMetadata"],
      usedBy: "CompleteJob of a start build, per agent metadata item (the template: 2)",
      source: `${Q}/workspaceagents.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspace_agent_metadata (
\t\tworkspace_agent_id,
\t\tdisplay_name,
\t\tkey,
\t\tscript,
\t\ttimeout,
\t\tinterval
\t)
VALUES
\t($1, $2, $3, $4, $5, $6)`,
      params: (i) => [at(ids.agents, i), "CPU Usage", `build_${i}_cpu_usage`, "coder stat cpu", 1, 10],
    },
    {
      id: "build_insert_app",
      coderQueries: ["InsertWorkspaceApp"],
      usedBy: "CompleteJob of a start build, per app (the template: 3)",
      source: `${Q}/workspaceapps.sql (v2.8 era)`,
      kind: "write",
      rowsPerExecution: 1,
      sql: `INSERT INTO
\tworkspace_apps (
\t\tid,
\t\tcreated_at,
\t\tagent_id,
\t\tslug,
\t\tdisplay_name,
\t\ticon,
\t\tcommand,
\t\turl,
\t\texternal,
\t\tsubdomain,
\t\tsharing_level,
\t\thealthcheck_url,
\t\thealthcheck_interval,
\t\thealthcheck_threshold,
\t\thealth
\t)
VALUES
\t($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING *`,
      params: (i) => [
        randomUUID(),
        now(),
        at(ids.agents, i),
        `b${i}`,
        "WebSocket Echo",
        "",
        null,
        "http://localhost:1234",
        false,
        true,
        "authenticated",
        "",
        0,
        0,
        "disabled",
      ],
    },
    {
      id: "build_update_state",
      coderQueries: ["UpdateWorkspaceBuildProvisionerStateByID"],
      usedBy: `CompleteJob (and FailJob with state): the terraform state of the build (${BUILD_STATE_BYTES} bytes here, assumed)`,
      source: `${Q}/workspacebuilds.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tworkspace_builds\nSET\n\tprovisioner_state = $1::bytea,\n\tupdated_at = $2::timestamptz\nWHERE id = $3::uuid",
      params: (i) => [state, now(), ids.latestBuilds[i % n]!],
    },
    {
      id: "build_update_deadline",
      coderQueries: ["UpdateWorkspaceBuildDeadlineByID"],
      usedBy: "CompleteJob: the build's autostop deadline",
      source: `${Q}/workspacebuilds.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tworkspace_builds\nSET\n\tdeadline = $1::timestamptz,\n\tmax_deadline = $2::timestamptz,\n\tupdated_at = $3::timestamptz\nWHERE id = $4::uuid",
      params: (i) => {
        const t = now();
        return [new Date(t.getTime() + 8 * 3600e3), "0001-01-01 00:00:00+00", t, ids.latestBuilds[i % n]!];
      },
    },
    {
      id: "build_complete_job",
      coderQueries: ["UpdateProvisionerJobWithCompleteByID"],
      usedBy: "CompleteJob and FailJob: the job's completion",
      source: `${Q}/provisionerjobs.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tprovisioner_jobs\nSET\n\tupdated_at = $2,\n\tcompleted_at = $3,\n\terror = $4,\n\terror_code = $5\nWHERE\n\tid = $1",
      params: (i) => [at(ids.jobs, i), now(), now(), null, null],
    },
    {
      id: "build_notify",
      coderQueries: ["pubsub.Publish(workspace:<id>)"],
      usedBy:
        "acquire and CompleteJob (workspace updated), the job-posted event, each log flush (provisioner-log-logs:<job>)",
      source:
        "coderd/database/pubsub/pubsub.go Publish; provisionersdk ProvisionerJobLogsNotifyMessage payload",
      kind: "notify",
      rowsPerExecution: 1,
      sql: "",
      params: (i) => [JSON.stringify({ created_after: 1000 + i }), `provisioner-log-logs:${at(ids.jobs, i)}`],
    },
    ...modernBuildStatements(ids, { org: ORG, initiator: seededUuid("user", 0), file: FILE }),
  ];
}
