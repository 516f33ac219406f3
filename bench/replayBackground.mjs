// PostgreSQL's own background CPU in the fleet replays (docs/model.md, "The database's fixed costs,
// measured"): `node bench/replayBackground.mjs [replay.yaml ...]` (default: every
// results/measure-db/fleet-replay-*.yaml). Per run it adds the roles no request class or event load of the
// model carries (bench/fleetReplay.ts reads them from /proc by role, src/measuredb/serverCpu.ts): WAL
// writer, autovacuum launcher and workers, background writer, checkpointer (in the window, plus the
// CHECKPOINT after the window charged to the window), logical replication launcher, io workers, and the
// postmaster when no connection churned. Left out because the model charges them elsewhere: pool
// backends (statements), LISTEN backends (pubsub.listener_cpu_s), exited connections and the postmaster's
// forks when the pool churned (connection openings), the replay's own control connection.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

const BACKGROUND_ROLES = [
  "walwriter",
  "autovacuum launcher",
  "autovacuum worker",
  "background writer",
  "checkpointer",
  "logical replication launcher",
  "io worker",
];
/** Opens per second below which a run's pool did not churn (the replay's pools open ~0.2/s at start). */
const NO_CHURN_OPENS_PER_S = 1;

const dir = "results/measure-db";
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.startsWith("fleet-replay-") && f.endsWith(".yaml")).map((f) => join(dir, f));

const rows = [];
for (const file of files) {
  const doc = YAML.parse(readFileSync(file, "utf8"));
  for (const run of doc.runs) {
    const roles = run.server_vcpu_by_role;
    const opens = (run.pools ?? []).reduce((s, p) => s + p.opens, 0);
    const churned = opens / run.window_s >= NO_CHURN_OPENS_PER_S;
    const processes = BACKGROUND_ROLES.reduce((s, r) => s + (roles[r] ?? 0), 0);
    const checkpoint = (run.checkpoint_after_window?.checkpointer_cpu_s ?? 0) / run.window_s;
    const postmaster = churned ? 0 : (roles.postmaster ?? 0);
    rows.push({
      file: file.split("/").pop(),
      postgresql: doc.measured_with.postgresql.version.split(" ")[0],
      agents: run.agents,
      churned,
      load_average_1m: run.load_average_1m.mean,
      background_vcpu: Number((processes + checkpoint + postmaster).toPrecision(3)),
      listen_vcpu: Number((roles["LISTEN backends"] ?? 0).toPrecision(3)),
      server_vcpu: run.server_vcpu,
    });
  }
}
for (const r of rows) console.log(JSON.stringify(r));
const quiet = rows.filter((r) => !r.churned).map((r) => r.background_vcpu).sort((a, b) => a - b);
const at = (q) => quiet[Math.min(quiet.length - 1, Math.floor(q * quiet.length))];
console.log(
  JSON.stringify({
    runs_without_churn: quiet.length,
    background_vcpu: { min: quiet[0], median: at(0.5), max: quiet[quiet.length - 1] },
  }),
);
