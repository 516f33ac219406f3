// Does the build response's queue-position query (GetProvisionerJobsByIDsWithQueuePosition, v2.20+) stay
// linear in pending jobs x online daemons beyond the two points measure-db measures (60 x 60, 600 x 60)?
// A burst of creates (the workspace-updates runner) ranks thousands of pending jobs against 600 daemons.
// `npx tsx bench/queuePositionScale.ts [--pg-bin DIR] [--out FILE]` starts a throw-away server (as
// measure-db does), builds the tables the query reads (dump.sql's columns it touches, the same
// plpgsql provisioner_tagset_contains), and reads the backend's own CPU (/proc/<pid>/stat utime+stime)
// over repeated executions at each point. Written as YAML with the machine and the date.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import pg from "pg";
import YAML from "yaml";
import { QUEUE_POSITION_SQL, TAGSET_CONTAINS_SQL } from "../src/measuredb/buildStatementsModern.js";
import { machineFacts } from "../src/measuredb/runMeasureDb.js";
import { startLocalServer } from "../src/measuredb/server.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const date = new Date().toISOString();
const out = arg("--out", `results/measure-db/queue-position-scale-${date.slice(0, 10)}.yaml`);
const PG_BIN = args.includes("--pg-bin") ? arg("--pg-bin", "") : undefined;
const TAGS = JSON.stringify({ scope: "organization", owner: "" });
const POINTS = [
  { pending: 600, daemons: 60, runs: 20 },
  { pending: 600, daemons: 600, runs: 5 },
  { pending: 2400, daemons: 600, runs: 3 },
  { pending: 5400, daemons: 600, runs: 2 },
];

function backendCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const x = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(x[11]) + Number(x[12])) / 100;
}

async function schema(c: pg.Client): Promise<void> {
  await c.query(`CREATE DOMAIN tagset AS jsonb`);
  await c.query(TAGSET_CONTAINS_SQL);
  await c.query(`CREATE TABLE provisioner_jobs (id uuid PRIMARY KEY, created_at timestamptz NOT NULL,
    started_at timestamptz, initiator_id uuid NOT NULL, tags tagset NOT NULL,
    job_status text GENERATED ALWAYS AS (CASE WHEN started_at IS NULL THEN 'pending' ELSE 'running' END) STORED)`);
  await c.query(`CREATE INDEX provisioner_jobs_job_status ON provisioner_jobs (job_status)`);
  await c.query(`CREATE TABLE provisioner_daemons (id uuid PRIMARY KEY, tags tagset NOT NULL, last_seen_at timestamptz)`);
}

async function reset(c: pg.Client, pending: number, daemons: number): Promise<string[]> {
  await c.query("TRUNCATE provisioner_jobs, provisioner_daemons");
  await c.query(
    `INSERT INTO provisioner_daemons SELECT md5('d' || k)::uuid, $1::jsonb, now() FROM generate_series(1, $2::int) k`,
    [TAGS, daemons],
  );
  const ids = Array.from({ length: pending }, () => randomUUID());
  await c.query(
    `INSERT INTO provisioner_jobs (id, created_at, initiator_id, tags)
     SELECT j, now() - (k * interval '1 ms'), gen_random_uuid(), $2::jsonb FROM unnest($1::uuid[]) WITH ORDINALITY t(j, k)`,
    [ids, TAGS],
  );
  await c.query("ANALYZE provisioner_jobs; ANALYZE provisioner_daemons");
  return ids;
}

const server = await startLocalServer((line) => process.stderr.write(`${line}\n`), [], PG_BIN);
const rows: Record<string, number | string>[] = [];
const loads = [loadavg()[0]!];
let version = "";
try {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  const info = await c.query<{ pid: number; v: string }>(
    "select pg_backend_pid() as pid, current_setting('server_version') as v",
  );
  const pid = info.rows[0]!.pid;
  version = info.rows[0]!.v;
  await schema(c);
  for (const p of POINTS) {
    const ids = await reset(c, p.pending, p.daemons);
    await c.query(QUEUE_POSITION_SQL, [[ids[0]], 90_000]); // warm: plan and caches
    const before = backendCpu(pid);
    for (let i = 0; i < p.runs; i++) await c.query(QUEUE_POSITION_SQL, [[ids[i % ids.length]], 90_000]);
    const perCall = (backendCpu(pid) - before) / p.runs;
    const pairs = p.pending * p.daemons;
    rows.push({ pending: p.pending, daemons: p.daemons, pairs, runs: p.runs, cpu_s_per_call: perCall, us_per_pair: (perCall / pairs) * 1e6 });
    process.stderr.write(`${p.pending} x ${p.daemons}: ${perCall.toFixed(3)} s per call, ${((perCall / pairs) * 1e6).toFixed(2)} us per pair\n`);
    loads.push(loadavg()[0]!);
  }
  await c.end();
} finally {
  await server.stop();
}
const doc = {
  what: "GetProvisionerJobsByIDsWithQueuePosition (v2.23+ form, the same SQL measure-db runs) at growing pending jobs x online daemons: backend CPU per call",
  command: "npx tsx bench/queuePositionScale.ts",
  date,
  machine: machineFacts(),
  postgres: version,
  load_average: loads.map((l) => Number(l.toFixed(1))),
  points: rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, YAML.stringify(doc));
process.stderr.write(`wrote ${out}\n`);
