// The idle agent fleet of the 2000-user scale test replayed on a real PostgreSQL (issue 12: where the
// unexplained database CPU goes). `npx tsx bench/fleetReplay.ts [--agents 250,500,1000,2000] [--window 120]
// [--warmup 20] [--alone 3] [--scenario scaletest-2000] [--pg-bin DIR] [--out FILE]` starts a throw-away server (as
// measure-db does, with autovacuum on and room for the pools), and for each N: loads N workspaces,
// measures every statement the fleet issues alone (measure-db's way, --alone seconds each; 0 skips),
// then replays N idle v2.8 agents with metadata open-loop at real time for --window seconds after a
// warm-up, and reads the whole server's CPU from /proc by process role, commits, WAL and fsyncs. Every
// period and count comes from the scenario and its model (src/measuredb/fleetPlan.ts); the statements
// from measure-db's catalog. Compares the server's CPU with the statements' isolated costs at the issued
// counts and with what the model charges (at k = 1 and as shipped). Writes YAML; a table to stdout.
// --no-churn keeps every pooled connection idle (max idle = max open): a variant that separates the cost
// of database/sql's connection churn from the statements'. --rtt makes each statement hold its connection
// for the model's network.db_rtt_s first (a timer: about a millisecond at best), as a remote database would.
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import pg from "pg";
import YAML from "yaml";
import { modelBackgroundVcpu, modelCharges } from "../src/measuredb/fleetCharges.js";
import { type FleetPlan, fleetPlan, statementRates } from "../src/measuredb/fleetPlan.js";
import { type ReplayResult, replayFleet } from "../src/measuredb/fleetReplay.js";
import { machineFacts } from "../src/measuredb/runMeasureDb.js";
import { startLocalServer } from "../src/measuredb/server.js";
import { loadScenarioAndModel } from "../src/model/loadScenarioAndModel.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const AGENTS = arg("--agents", "250,500,1000,2000").split(",").map(Number);
const WINDOW_S = Number(arg("--window", "120"));
const WARMUP_S = Number(arg("--warmup", "20"));
const ALONE_S = Number(arg("--alone", "3"));
const SCENARIO = arg("--scenario", "scaletest-2000");
// A variant, not the model's pool: every connection kept idle (no open/close churn), to separate its cost.
const KEEP_IDLE = args.includes("--no-churn");
// Each statement holds its connection for the model's coderd-PostgreSQL round trip too (loopback has none).
const WITH_RTT = args.includes("--rtt");
// Another server's binaries, e.g. Debian's /usr/lib/postgresql/15/bin (the test's Cloud SQL was likely 14-15).
const PG_BIN = args.includes("--pg-bin") ? arg("--pg-bin", "") : undefined;
const STATS_MINUTES = 60;
const date = new Date().toISOString();
const out = arg("--out", `results/measure-db/fleet-replay-${date.slice(0, 10)}.yaml`);
const log = (line: string) => process.stderr.write(`${line}\n`);

const { loaded, model } = loadScenarioAndModel(SCENARIO);
const m = model.model;
// The replay's server: autovacuum on (the fleet's hot tables are part of what is measured), room for
// every replica's pool, its listener and the replay's own connections.
const plan0 = fleetPlan(m, loaded.scenario, AGENTS[0]!);
const maxConnections = plan0.replicas * (plan0.poolMaxOpen + plan0.listenersPerReplica) + 10;
const server = await startLocalServer(log, ["autovacuum=on", `max_connections=${maxConnections}`], PG_BIN);
interface Run {
  plan: FleetPlan;
  result: ReplayResult;
  atMeasured: Record<string, number>;
  shipped: Record<string, number>;
}
const sum = (o: Record<string, number>) => Object.values(o).reduce((s, x) => s + x, 0);
const sig = (x: number, p = 4) => Number(x.toPrecision(p));

/** Isolated costs at the counts the replay issued (pg_stat_statements), vCPU. */
function isolatedSum(r: ReplayResult): number | undefined {
  if (!r.isolatedCpuS) return undefined;
  let s = 0;
  for (const [id, cost] of Object.entries(r.isolatedCpuS)) s += (r.statements[id]?.calls ?? 0) * cost;
  return s / r.windowS;
}

function line(x: Run): string {
  const r = x.result;
  const iso = isolatedSum(r);
  return (
    `N=${r.agents}: server ${(r.cpu.total / r.windowS).toFixed(3)} vCPU (fleet ${(r.cpu.fleetSeconds / r.windowS).toFixed(3)}), ` +
    `alone ${iso === undefined ? "-" : iso.toFixed(3)}, model k=1 ${sum(x.atMeasured).toFixed(3)}, shipped ${sum(x.shipped).toFixed(3)}, ` +
    `commits ${(r.server.commits / r.windowS).toFixed(0)}/s, load ${r.load.mean.toFixed(2)}`
  );
}

const runs: Run[] = [];
let version = "";
const settings: Record<string, string> = {};
try {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  version = (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  for (const s of [
    "shared_buffers",
    "synchronous_commit",
    "fsync",
    "wal_sync_method",
    "wal_writer_delay",
    "commit_delay",
    "autovacuum",
    "autovacuum_naptime",
    "checkpoint_timeout",
    "max_wal_size",
    "io_method",
  ]) {
    settings[s] = (await c.query<{ s: string }>("select current_setting($1, true) as s", [s])).rows[0]!.s;
  }
  await c.end();
  for (const n of AGENTS) {
    const modelled = fleetPlan(m, loaded.scenario, n);
    const plan = KEEP_IDLE ? { ...modelled, poolMaxIdle: modelled.poolMaxOpen } : modelled;
    const result = await replayFleet({
      url: server.url,
      plan,
      warmupS: WARMUP_S,
      windowS: WINDOW_S,
      seed: loaded.scenario.seed,
      statsHistoryMinutes: STATS_MINUTES,
      roundTripS: WITH_RTT ? m.network.db_rtt_s.value : 0,
      isolated: ALONE_S > 0 ? { secondsPerClass: ALONE_S, batches: 3 } : undefined,
      log,
    });
    runs.push({ plan, result, atMeasured: modelCharges(m, plan, true), shipped: modelCharges(m, plan, false) });
    log(line(runs.at(-1)!));
  }
} finally {
  await server.stop();
}

const m0 = machineFacts();
const doc = {
  name: `fleet-replay-${date.slice(0, 10)}`,
  description:
    "The idle v2.8 agent fleet of the 2000-user scale test (agent metadata 2 items / 10 s, stats every 30 s, heartbeats " +
    "every 15 s; per replica the Agents() collector every minute and the deployment-stats refresh every 30 s; 2 replicas, " +
    "database/sql-like pools of 10 open / 4 idle, one LISTEN connection each) replayed open-loop at real time on a real " +
    "PostgreSQL. The server's CPU is every postgres process's (/proc), by role. Not a model overlay: evidence for " +
    "docs/model.md, 'The idle fleet replayed on a real PostgreSQL'.",
  measured_with: {
    command: `npx tsx bench/fleetReplay.ts --agents ${AGENTS.join(",")} --window ${WINDOW_S} --warmup ${WARMUP_S} --alone ${ALONE_S} --scenario ${SCENARIO}${KEEP_IDLE ? " --no-churn" : ""}${WITH_RTT ? " --rtt" : ""}${PG_BIN ? ` --pg-bin ${PG_BIN}` : ""}`,
    date,
    machine: { cpu_model: m0.cpuModel, cores: m0.cores, memory_gb: m0.memoryGb, kernel: m0.kernel },
    load_average_1m_at_end: sig(loadavg()[0]!, 3),
    note:
      "shared 2-core machine (6 agents working): CPU time is robust to wall-clock noise, but cache and core contention " +
      "inflate per-statement CPU (the same statements cost 1.5-3x more at load average 14-16 than quiet); the load " +
      "average is beside every run",
    postgresql: { version, origin: server.origin, settings },
    scenario: { file: loaded.file, sha256: loaded.sha256 },
    model: { file: model.file, sha256: model.sha256 },
  },
  runs: runs.map(({ plan, result: r, atMeasured, shipped }) => ({
    agents: r.agents,
    pool_per_replica: { max_open: plan.poolMaxOpen, max_idle: plan.poolMaxIdle, replicas: plan.replicas },
    connection_held_for_round_trip_s: WITH_RTT ? m.network.db_rtt_s.value : 0,
    window_s: sig(r.windowS),
    load_average_1m: { start: sig(r.load.start, 3), mean: sig(r.load.mean, 3), end: sig(r.load.end, 3) },
    server_vcpu: sig(r.cpu.total / r.windowS),
    fleet_vcpu: sig(r.cpu.fleetSeconds / r.windowS),
    server_vcpu_by_role: Object.fromEntries(
      Object.entries(r.cpu.roles)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, sig(v / r.windowS)]),
    ),
    isolated_sum_vcpu: isolatedSum(r) === undefined ? null : sig(isolatedSum(r)!),
    model_k1_vcpu: sig(sum(atMeasured)),
    model_k1_by_mechanism_vcpu: Object.fromEntries(Object.entries(atMeasured).map(([k, v]) => [k, sig(v)])),
    model_shipped_vcpu: sig(sum(shipped)),
    model_shipped_by_mechanism_vcpu: Object.fromEntries(Object.entries(shipped).map(([k, v]) => [k, sig(v)])),
    model_background_vcpu: modelBackgroundVcpu(m),
    commits_per_s: sig(r.server.commits / r.windowS),
    wal_bytes_per_s: sig(r.server.walBytes / r.windowS),
    wal: Object.fromEntries(Object.entries(r.server.wal).map(([k, v]) => [k, sig(v)])),
    wal_io_by_process: r.server.walIo,
    checkpointer: r.server.checkpointer,
    checkpoint_after_window: {
      checkpointer_cpu_s: sig(r.checkpoint.cpuSeconds, 3),
      buffers_written: r.checkpoint.buffersWritten,
    },
    hot_tables: r.server.tables,
    waits: r.waits,
    pools: r.pools,
    failed_statements: r.failed,
    generator: {
      cpu_fraction_of_a_core: sig(r.generator.cpuSeconds / r.windowS, 3),
      lateness_s: {
        p50: sig(r.generator.latenessP50S, 3),
        p99: sig(r.generator.latenessP99S, 3),
        max: sig(r.generator.latenessMaxS, 3),
      },
    },
    statements: Object.fromEntries(
      Object.keys(statementRates(fleetPlan(m, loaded.scenario, r.agents))).map((id) => [
        id,
        {
          expected: sig(r.expected[id] ?? 0),
          calls: r.statements[id]?.calls ?? 0,
          in_backend_ms_per_call: r.statements[id]
            ? sig(r.statements[id]!.timeMs / Math.max(1, r.statements[id]!.calls), 3)
            : null,
          alone_cpu_ms: r.isolatedCpuS?.[id] === undefined ? null : sig(r.isolatedCpuS[id]! * 1e3, 3),
        },
      ]),
    ),
  })),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `# Generated by npx tsx bench/fleetReplay.ts\n${YAML.stringify(doc, { lineWidth: 0 })}`);
process.stdout.write(
  "agents  server_vCPU  fleet_vCPU  alone_sum  model_k1  model_shipped  commits/s  WAL_kB/s  load\n",
);
for (const x of runs) {
  const r = x.result;
  const iso = isolatedSum(r);
  process.stdout.write(
    `${String(r.agents).padStart(6)}  ${(r.cpu.total / r.windowS).toFixed(3).padStart(11)}  ${(r.cpu.fleetSeconds / r.windowS).toFixed(3).padStart(10)}  ${(iso ?? Number.NaN).toFixed(3).padStart(9)}  ${sum(x.atMeasured).toFixed(3).padStart(8)}  ${sum(x.shipped).toFixed(3).padStart(13)}  ${(r.server.commits / r.windowS).toFixed(0).padStart(9)}  ${(r.server.walBytes / r.windowS / 1024).toFixed(1).padStart(8)}  ${r.load.mean.toFixed(2)}\n`,
  );
}
process.stdout.write(`-> ${out}\n`);
