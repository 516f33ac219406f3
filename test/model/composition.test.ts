import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import { loadScenario } from "../../src/scenario/index.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** The model of the recordings (the shipped default when they were made), unless a case names another. */
const PINNED_MODEL = "models/readings/fit-all-k.yaml";

/** Short stages for the scale-test shaped scenarios: prepare, then each traffic stage, then cleanup. */
const SHORT_STAGES =
  "stages=[{name: prepare, start_s: 0, duration_s: 300}, {name: ssh, start_s: 300, duration_s: 240, target_pct: 30}," +
  " {name: web_terminal, start_s: 540, duration_s: 240, target_pct: 20}, {name: workspace_apps, start_s: 780, duration_s: 240, target_pct: 20}," +
  " {name: dashboard, start_s: 780, duration_s: 240, target_pct: 20}, {name: cleanup, start_s: 1020, duration_s: 300}]";
const SMALL_LOAD = ["workload.users=60", "workload.workspaces=60", "workload.builds.create_concurrency=30"];

/**
 * One short run per feature, each from a shipped scenario shrunk by --set overrides: together they go
 * through every part runReplication composes (cluster, database, fleet and batchers of both metadata
 * paths, runner with external and built-in daemons, sessions, node pool, workday, week with session mix
 * and insights, geography and proxies, rate limiter and API clients, absolute and stage-relative events).
 */
const CASES: Record<string, { file: string; sets: string[] }> = {
  "scaletest-2000": { file: "scenarios/scaletest-2000.yaml", sets: [...SMALL_LOAD, SHORT_STAGES] },
  "base model, newest version (coderd batches)": {
    file: "scenarios/what-if/newest-version.yaml",
    sets: [...SMALL_LOAD, SHORT_STAGES, "model=../../models/coder-v2.8-base.yaml"],
  },
  "node autoscaling": {
    file: "scenarios/what-if/node-autoscaling.yaml",
    sets: [...SMALL_LOAD, SHORT_STAGES],
  },
  "morning start (workday, nodes)": {
    file: "scenarios/what-if/morning-start.yaml",
    sets: [
      "workload.users=60",
      "workload.workday.duration_s=2400",
      "workload.workday.start_mean_s=600",
      "workload.workday.start_spread_s=300",
      "workload.workday.work_mean_s=900",
      "workload.workday.work_spread_s=300",
      "workload.workday.autostart_step_s=300",
      "stages=[{name: dashboard, start_s: 0, duration_s: 2400, target_pct: 10}]",
    ],
  },
  "builtin provisioners, options": {
    file: "scenarios/what-if/builtin-provisioners.yaml",
    sets: [
      "workload.users=40",
      "workload.workday.duration_s=1800",
      "workload.workday.start_mean_s=600",
      "workload.workday.start_spread_s=200",
      "deployment.coderd.database_encryption=true",
      "deployment.coderd.prometheus_agent_stats=true",
      "stages=[{name: dashboard, start_s: 0, duration_s: 1800, target_pct: 10}]",
    ],
  },
  "workspace proxies (geography)": {
    file: "scenarios/what-if/workspace-proxies.yaml",
    sets: [...SMALL_LOAD, SHORT_STAGES],
  },
  "rate limit and API clients": {
    file: "scenarios/what-if/rate-limit.yaml",
    sets: [
      ...SMALL_LOAD,
      "workload.api_clients.count=2",
      "deployment.coderd.rate_limit.per_user_per_min=300",
      SHORT_STAGES,
    ],
  },
  "events (replica loss, failover, scaling, stage-relative)": {
    file: "scenarios/what-if/replica-loss.yaml",
    sets: [
      ...SMALL_LOAD,
      "deployment.provisioners.count=5",
      SHORT_STAGES,
      "events=[{kind: replica_loss, at_s: 400, replica: 2, restart_after_s: 60}," +
        " {kind: database_failover, at_s: 600, pause_s: 10}, {kind: scale_replicas, at_s: 700, replicas: 4}," +
        " {kind: replica_loss, at: {stage: dashboard, offset_s: 60}, replica: 1}]",
    ],
  },
  "week (day profile, session mix, insights, regions, nodes)": {
    file: "scenarios/week-3000.yaml",
    // Per-event session bursts, as recorded (week-3000 now ships `rate`, tested in weekSessionRate.test.ts).
    sets: [
      "workload.users=60",
      "workload.week.days=1",
      "deployment.provisioners.count=10",
      "workload.session_bursts=events",
    ],
  },
};

/**
 * The sha256 of each case's replication (series, figures, resources), recorded on main before
 * runReplication was split into components: the composition must not change a single event. Re-recorded
 * once, when the base model's `overload:` (client timeouts and retries) was switched on; with that section
 * removed the first recording is reproduced. Re-recorded again when coder-v2.8-measured.yaml (under the pinned
 * model) gained `builds:` (builds' database work measured statement by statement), and again when the base
 * gained `tailnet_coordinator:` (the PG coordinator runs with more than one replica); with each section
 * removed the recording before it is reproduced (both checked 2026-12-07, on their branches). The events
 * case again when a reconnecting agent's peer NOTIFY stopped being counted twice with the PG coordinator
 * (with the catalog told there is none, the previous hash cef38476 is reproduced). The week case (v2.30)
 * when the Agents() collector got its PR #19786 version boundary (with the boundary moved past 2.30 the
 * previous hash 6f75e514 is reproduced). All of them when the base's database.notify_commit_s became the measured hold of a Publish commit and it gained
 * commit_flush_s (docs/model.md, The notify-queue lock, measured); with the old value and no commit_flush_s
 * the recording before it is reproduced (checked 2026-12-07 on branch notifylock; events and week merged with
 * the two changes above and re-recorded once more on main). The scaletest-2000 case when the scenario's
 * database became 2 vCPU (the default reading since 2026-12-07 11:00; the pinned model is unchanged).
 * All of them when the base gained `replica_sync:` (enterprise replicasync's three statements every 5 s per
 * replica, docs/model.md, What an idle deployment commits); with that section removed the recording before
 * it is reproduced (checked 2026-12-07 on branch idlecommits). And when pg_stat_database_xact_commit began to
 * count each autocommit statement of a step, not one per step (a Step's `commits`); with one per step again
 * the recording before it is reproduced (the same day and branch; no event moves, only that counter).
 * All but the base-model case when coder-v2.8-measured.yaml's `builds:` counted dbauthz's authorisation
 * fetches and gained a started agent's start-up calls and the Acquirer's empty acquires (docs/model.md,
 * Builds' database work, branch builds20575); the base-model case (no `builds`) kept its hash, and at the
 * commit before (aab7ded) the previous recordings hold. The week case (v2.30) once more when workspace
 * lookups got the workspaces_expanded view's extra cost from v2.17 (with versions.workspaces_expanded moved
 * past 2.30 the hash e85d5796 is reproduced: the other cases run v2.8 and kept theirs).
 * All of them re-recorded on main when both branches merged (idlecommits, builds20575); each branch's
 * recordings held on its own branch.
 * database became 2 vCPU (the default reading since 2026-12-07 11:00; the pinned model is unchanged). All but
 * the base-model case when coder-v2.8-measured.yaml gained `data_volume:` (the deployment-stats query by rows
 * of its window, the DAU refresh over the stored agent stats before the 2.10 rollup; docs/model.md,
 * Statements that grow with the data); with that section removed every previous hash is reproduced
 * (checked 2026-12-07 on branch datavolume). The v2.8 what-if cases once more when their scenarios came to
 * state no stored agent stats (as the scale test they vary), so no DAU refresh runs in them.
 * All of them re-recorded on main when datavolume merged with dbfixed, idlecommits and builds20575.
 * All but the base-model case when coder-v2.8-measured.yaml (under the pinned model) took the database's fixed
 * costs measured (background 0.0024 vCPU, an opening 23.3 + 12.8 ms; they were the default's only) and its
 * data-volume per-row costs became an overlay merged times k (9.475 under the pinned model; they were plain
 * values): with the fixed costs reverted alone every hash still moves (the k-scaled data volume), with both
 * reverted every previous hash is reproduced (checked 2026-12-07 on branch readings).
 * The scaletest-2000 case when the scenario read the SSH stage as peer to peer (traffic.direct_connections
 * true, docs/model.md, Readings point 3; the pinned model is unchanged): with direct_connections=false set
 * the previous hash 9b9cc1da is reproduced (checked 2026-12-07 on branch traffic).
 * All re-recorded on main when readings and traffic merged.
 * All of them when the base gained `derp_latency:` (each new agent's netcheck GETs /derp/latency-check on a
 * replica's CPU: one more HTTP request per agent, its stream, and the gauge's series); with that section
 * removed main's hashes are reproduced (checked 2026-12-07 on branch derpgauge after merging main 341037a,
 * where the base-model case already gave c59af74c, not its recorded bd2b7cd1).
 * All of them when the resources' means became sums divided when read (Mean, JobMeans; branch means):
 * only resources' mean_service_s/mean_wait_s/mean_response_s move, by at most 3.4e-12 relative (the week
 * case; every series and figure bit-identical; checked 2026-12-07 against main 7115cf1).
 * All of them when normal variates became inversion by AS241 (one uniform per draw, not Box–Muller's two;
 * branch draws): every draw after the first normal one moves.
 */
const GOLDEN: Record<string, string> = {
  "scaletest-2000": "62e07a5dd1b45db3649083e2e58438d9638e35c55fea2b88dbc73c067ada8601",
  "base model, newest version (coderd batches)":
    "f5eb36dd85eee7aa9b519090c20e06831cabbf881417828d26203533939eb064",
  "node autoscaling": "c1b06208146a7076be772b291eda823ab7272e570162e841d8d5805bcb0f229a",
  "morning start (workday, nodes)": "87ea7fd54d8f2ffa69034a498f42d9a7e79d9d661489d595a20b879aabe9bc86",
  "builtin provisioners, options": "0711d7141562b578203db9492ea3b15223525ddb3c7e8ca74a5bbe9dc45a030a",
  "workspace proxies (geography)": "bc202bcfea75c568c37cce0b8c480293e5d4c1261ad220f6c6817f0d73eac25c",
  "rate limit and API clients": "7fe7c56e604eb5ed170a327016e1c1bbd6eeba62ed2e249559cc727fbef6af99",
  "events (replica loss, failover, scaling, stage-relative)":
    "65e19f03a52a54db2a11164847ba4c331e49e32354db2960d3ef443a1d898052",
  "week (day profile, session mix, insights, regions, nodes)":
    "beed11ae05b201e8fc157721f7f0f54bdb60b0ed2a81b88db72d68ee5011b2b7",
};

function digest(rep: ReplicationResult): string {
  const series = rep.metrics.series.map((s) => ({
    labels: s.labels,
    times: Array.from(s.times),
    values: Array.from(s.values),
  }));
  const text = JSON.stringify({ series, figures: rep.figures, resources: rep.resources });
  return createHash("sha256").update(text).digest("hex");
}

describe("runReplication's composition", () => {
  it.each(Object.keys(CASES))("%s gives the recorded replication bit for bit", (name) => {
    const { file, sets } = CASES[name]!;
    // Model data moves on; the recorded runs keep the model they were recorded with (form A, the former default).
    const pinned = sets.some((s) => s.startsWith("model=")) ? [] : [`model=${resolve(ROOT, PINNED_MODEL)}`];
    const loaded = loadScenario(resolve(ROOT, file), [...sets, ...pinned]);
    const { model } = loadModel(loaded.scenario.model, loaded.file);
    const hash = digest(runReplication(loaded.scenario, model, 3));
    if (process.env.PRINT_GOLDEN) console.log(JSON.stringify(name), hash);
    expect(hash).toBe(GOLDEN[name]);
  });
});
