import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { StatementClass } from "./catalog.js";
import type { DataIds } from "./schema.js";

/**
 * Build statements of the newer coderd (v2.20+, issue 12 / PR #20575) that the v2.8-era classes do not
 * cover: the create response's queue-position query over pending jobs and online provisioner daemons
 * (PR #16685, #17974), the acquirer's AcquireProvisionerJob that finds no job (every other replica's
 * waiting daemon on each job posting), the workspaces_expanded view that dbauthz's authorisation fetches
 * read, and the agent's start-up writes (lifecycle and start-up info). Texts of coderd/database/queries
 * (provisionerjobs.sql, workspaceagents.sql) and dump.sql of the v2.2x era; sqlc's @names numbered.
 */

const Q = "coderd/database/queries";
/** The scale test's untagged organization provisioners and jobs (provisionerdserver.Tags of a default daemon). */
const TAGS = JSON.stringify({ scope: "organization", owner: "" });
/** provisionerdserver.StaleInterval (90 s) in milliseconds, the online-daemon cutoff of the query. */
const STALE_INTERVAL_MS = 90_000;

/** The queue-position query's two measured shapes: pending jobs × online daemons (the tenth, and ten times the queue). */
export const QUEUE_POSITION_POINTS = [
  { pending: 60, daemons: 60 },
  { pending: 600, daemons: 60 },
] as const;

/** dump.sql's provisioner_tagset_contains (plpgsql: the queue-position query calls it per pending job x daemon pair). */
export const TAGSET_CONTAINS_SQL = `CREATE OR REPLACE FUNCTION provisioner_tagset_contains(provisioner_tags tagset, job_tags tagset)
RETURNS boolean AS $f$
BEGIN
	RETURN CASE
		WHEN job_tags::jsonb = '{"scope": "organization", "owner": ""}'::jsonb THEN job_tags::jsonb = provisioner_tags::jsonb
		ELSE job_tags::jsonb <@ provisioner_tags::jsonb
	END;
END;
$f$ LANGUAGE plpgsql`;

/** GetProvisionerJobsByIDsWithQueuePosition as of v2.23 ($1 job ids, $2 the stale interval in ms). */
export const QUEUE_POSITION_SQL = `WITH filtered_provisioner_jobs AS (
\tSELECT
\t\tid, created_at
\tFROM
\t\tprovisioner_jobs
\tWHERE
\t\tid = ANY($1 :: uuid [ ])
),
pending_jobs AS (
\tSELECT
\t\tid, initiator_id, created_at, tags
\tFROM
\t\tprovisioner_jobs
\tWHERE
\t\tjob_status = 'pending'
),
online_provisioner_daemons AS (
\tSELECT id, tags FROM provisioner_daemons pd
\tWHERE pd.last_seen_at IS NOT NULL AND pd.last_seen_at >= (NOW() - ($2::bigint || ' ms')::interval)
),
ranked_jobs AS (
\tSELECT
\t\tpj.id,
\t\tpj.created_at,
\t\tROW_NUMBER() OVER (PARTITION BY opd.id ORDER BY pj.initiator_id = 'c42fdf75-3097-471c-8c33-fb52454d81c0'::uuid ASC, pj.created_at ASC) AS queue_position,
\t\tCOUNT(*) OVER (PARTITION BY opd.id) AS queue_size
\tFROM
\t\tpending_jobs pj
\t\t\tINNER JOIN online_provisioner_daemons opd
\t\t\t\t\tON provisioner_tagset_contains(opd.tags, pj.tags)
),
final_jobs AS (
\tSELECT
\t\tfpj.id,
\t\tfpj.created_at,
\t\tCOALESCE(MIN(rj.queue_position), 0) :: BIGINT AS queue_position,
\t\tCOALESCE(MAX(rj.queue_size), 0) :: BIGINT AS queue_size
\tFROM
\t\tfiltered_provisioner_jobs fpj
\t\t\tLEFT JOIN ranked_jobs rj
\t\t\t\t\tON fpj.id = rj.id
\tGROUP BY
\t\tfpj.id, fpj.created_at
)
SELECT
\tfj.id,
\tfj.created_at,
\tpj.*,
\tfj.queue_position,
\tfj.queue_size
FROM
\tfinal_jobs fj
\t\tINNER JOIN provisioner_jobs pj
\t\t\t\tON fj.id = pj.id
ORDER BY
\tfj.created_at`;

export const queuePositionId = (p: { pending: number; daemons: number }) =>
  `build_queue_position_p${p.pending}_d${p.daemons}`;

/**
 * dump.sql's tagset domain and provisioner_tagset_contains (migration of PR #15105's era, the
 * job_tags/provisioner_tags form), and the provisioner_daemons columns the queries read.
 */
async function ensureProvisionerDaemons(client: pg.Client): Promise<void> {
  await client.query(
    `DO $$ BEGIN CREATE DOMAIN tagset AS jsonb; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
  );
  await client.query(TAGSET_CONTAINS_SQL);
  await client.query(`CREATE TABLE IF NOT EXISTS provisioner_daemons (
    id uuid NOT NULL PRIMARY KEY, created_at timestamp with time zone NOT NULL, name character varying(64) NOT NULL,
    provisioners provisioner_type[] NOT NULL, tags tagset DEFAULT '{}'::jsonb NOT NULL,
    last_seen_at timestamp with time zone, version text DEFAULT ''::text NOT NULL, organization_id uuid NOT NULL
  )`);
}

/** Every earlier job started (none pending), then `pending` new pending jobs; returns their ids. */
async function resetPending(
  client: pg.Client,
  org: string,
  initiator: string,
  file: string,
  pending: number,
) {
  await client.query("UPDATE provisioner_jobs SET started_at = now() WHERE started_at IS NULL");
  const list = Array.from({ length: pending }, () => randomUUID());
  if (pending > 0) {
    await client.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner,
         storage_method, type, input, file_id, tags)
       SELECT j, now() - (k * interval '1 ms'), now(), $3, $4, 'terraform', 'file', 'workspace_build', '{}', $5, $2::jsonb
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(j, k)`,
      [list, TAGS, org, initiator, file],
    );
  }
  return list;
}

async function resetDaemons(client: pg.Client, org: string, daemons: number): Promise<void> {
  await client.query("DELETE FROM provisioner_daemons");
  await client.query(
    `INSERT INTO provisioner_daemons (id, created_at, name, provisioners, tags, last_seen_at, organization_id)
     SELECT md5('daemon' || k)::uuid, now(), 'daemon-' || k, '{terraform}', $1::jsonb, now(), $2
     FROM generate_series(1, $3::int) k`,
    [TAGS, org, daemons],
  );
}

export interface ModernSeeds {
  org: string;
  initiator: string;
  file: string;
}

export function modernBuildStatements(ids: DataIds, seeds: ModernSeeds): StatementClass[] {
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
  const queuePosition = (point: (typeof QUEUE_POSITION_POINTS)[number]): StatementClass => {
    let pendingIds: string[] = [];
    return {
      id: queuePositionId(point),
      coderQueries: ["GetProvisionerJobsByIDsWithQueuePosition"],
      usedBy: `every build request's response (the new build's job with its queue position), here ${point.pending} pending jobs and ${point.daemons} online daemons`,
      source: `${Q}/provisionerjobs.sql (v2.23+: online daemons, PR #17974; tag sets PR #16685)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: QUEUE_POSITION_SQL,
      // The response asks for the newest pending job (the build just queued).
      params: (i) => [[at(pendingIds, i)], STALE_INTERVAL_MS],
      beforeBatch: async (client) => {
        await ensureProvisionerDaemons(client);
        await resetDaemons(client, seeds.org, point.daemons);
        pendingIds = await resetPending(client, seeds.org, seeds.initiator, seeds.file, point.pending);
      },
    };
  };
  return [
    ...QUEUE_POSITION_POINTS.map(queuePosition),
    {
      id: "build_acquire_empty",
      coderQueries: ["AcquireProvisionerJob"],
      usedBy:
        "an acquiree cleared by a job posting that finds the job taken (other replicas' waiting daemons, the winner's next daemon; coderd/provisionerdserver/acquirer.go)",
      source: `${Q}/provisionerjobs.sql (v2.2x: organization, provisioner_tagset_contains, prebuilds last)`,
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
\t\t\tprovisioner_jobs AS potential_job
\t\tWHERE
\t\t\tpotential_job.started_at IS NULL
\t\t\tAND potential_job.organization_id = $3
\t\t\tAND potential_job.provisioner = ANY($4 :: provisioner_type [ ])
\t\t\tAND provisioner_tagset_contains($5 :: jsonb, potential_job.tags :: jsonb)
\t\tORDER BY
\t\t\tpotential_job.initiator_id = 'c42fdf75-3097-471c-8c33-fb52454d81c0'::uuid ASC,
\t\t\tpotential_job.created_at ASC
\t\tFOR UPDATE
\t\tSKIP LOCKED
\t\tLIMIT
\t\t\t1
\t) RETURNING *`,
      params: () => [new Date(), randomUUID(), seeds.org, ["terraform"], TAGS],
      beforeBatch: async (client) => {
        await ensureProvisionerDaemons(client);
        await resetPending(client, seeds.org, seeds.initiator, seeds.file, 0);
      },
    },
    {
      id: "build_workspace_expanded_lookup",
      coderQueries: ["GetWorkspaceByID"],
      usedBy:
        "dbauthz's authorisation fetch of the workspace behind builds, jobs and agents (GetWorkspaceBuildByID, GetProvisionerJobByID, GetLatestWorkspaceBuildByWorkspaceID, ...) and the handlers' own lookups",
      source: `${Q}/workspaces.sql (v2.2x: workspaces_expanded view of dump.sql inlined; visible_users = users)`,
      kind: "read",
      rowsPerExecution: 1,
      sql: `SELECT
\tworkspaces.*,
\tusers.avatar_url AS owner_avatar_url,
\tusers.username AS owner_username,
\tusers.name AS owner_name,
\torganizations.name AS organization_name,
\torganizations.display_name AS organization_display_name,
\torganizations.icon AS organization_icon,
\torganizations.description AS organization_description,
\ttemplates.name AS template_name,
\ttemplates.display_name AS template_display_name,
\ttemplates.icon AS template_icon,
\ttemplates.description AS template_description
FROM
\tworkspaces
\tJOIN users ON workspaces.owner_id = users.id
\tJOIN organizations ON workspaces.organization_id = organizations.id
\tJOIN templates ON workspaces.template_id = templates.id
WHERE
\tworkspaces.id = $1
LIMIT
\t1`,
      params: (i) => [at(ids.workspaces, i)],
    },
    {
      id: "agent_lifecycle_update",
      coderQueries: ["UpdateWorkspaceAgentLifecycleStateByID"],
      usedBy:
        "a starting agent's lifecycle reports (starting, ready; coderd/agentapi/lifecycle.go UpdateLifecycle)",
      source: `${Q}/workspaceagents.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tworkspace_agents\nSET\n\tlifecycle_state = $2,\n\tstarted_at = $3,\n\tready_at = $4\nWHERE\n\tid = $1",
      params: (i) => {
        const t = new Date();
        return [at(ids.agents, i), i % 2 === 0 ? "starting" : "ready", t, i % 2 === 0 ? null : t];
      },
    },
    {
      id: "agent_startup_update",
      coderQueries: ["UpdateWorkspaceAgentStartupByID"],
      usedBy:
        "a starting agent's start-up report (version, directory, subsystems; coderd/agentapi/lifecycle.go UpdateStartup)",
      source: `${Q}/workspaceagents.sql`,
      kind: "write",
      rowsPerExecution: 1,
      sql: "UPDATE\n\tworkspace_agents\nSET\n\tversion = $2,\n\texpanded_directory = $3,\n\tsubsystems = $4,\n\tapi_version = $5\nWHERE\n\tid = $1",
      params: (i) => [at(ids.agents, i), "v2.27.0", "/home/coder", [], "2.6"],
    },
  ];
}
