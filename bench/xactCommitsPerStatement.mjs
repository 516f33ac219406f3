// Commits PostgreSQL counts (pg_stat_database.xact_commit) per statement run outside a transaction: an empty
// query (lib/pq's Ping sends ";"), a SELECT, and an AcquireProvisionerJob-shaped UPDATE that finds no row.
// docs/model.md, "What an idle deployment commits". Needs a running PostgreSQL 15+ reachable with the usual
// PG* variables, e.g. PGHOST=/tmp/pg PGPORT=55432 PGUSER=postgres node bench/xactCommitsPerStatement.mjs
import pg from "pg";

const N = Number(process.env.N ?? 200);
const client = new pg.Client({ database: process.env.PGDATABASE ?? "postgres" });
await client.connect();
await client.query("CREATE TEMP TABLE jobs (id int PRIMARY KEY, started_at timestamptz)");
/** The counter, flushed first (each read commits a transaction too, measured apart below). */
async function commits() {
  await client.query("SELECT pg_stat_force_next_flush()");
  const r = await client.query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
  await client.query("SELECT pg_stat_clear_snapshot()");
  return Number(r.rows[0].xact_commit);
}
const statements = [
  ["empty query ';'", ";"],
  ["SELECT 1", "SELECT 1"],
  [
    "UPDATE finding no row",
    "UPDATE jobs SET started_at = now() WHERE id = (SELECT id FROM jobs WHERE started_at IS NULL FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *",
  ],
];
for (const [name, sql] of statements) {
  const before = await commits();
  for (let i = 0; i < N; i++) await client.query(sql);
  const after = await commits();
  const a = await commits();
  const own = (await commits()) - a;
  console.log(`${name}: ${((after - before - own) / N).toFixed(3)} commits per statement (${N} runs)`);
}
await client.end();
