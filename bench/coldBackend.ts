// What a connection that database/sql's pool opens costs PostgreSQL beyond its start-up: a new backend's
// first statements load the catalog caches (relations, indexes, types, plans) a warm backend already holds.
// `npx tsx bench/coldBackend.ts [--connections 200] [--workspaces 1000] [--pg-bin DIR] [--out FILE]` starts a
// throw-away server (as measure-db does; `--pg-bin` another version's binaries), loads measure-db's schema, then per connection: opens it (start-up and
// authentication), runs one agent metadata call's statements (measure-db's catalog: the two authentication
// reads, the metadata UPDATE, its NOTIFY), runs the same call again, and closes it, reading the backend's CPU
// (/proc/<pid>/schedstat) after each step. First call minus second call is the cold-cache cost; the fleet
// replay's churning pools (docs/model.md, The idle fleet replayed) pay it once per opened connection.
// Written as a model overlay (database.connection_cold_cache_cpu_s).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import pg from "pg";
import YAML from "yaml";
import { buildCatalog, statementText } from "../src/measuredb/catalog.js";
import { AUTH_READS, FLEET_STATEMENTS } from "../src/measuredb/fleetPlan.js";
import { processCpuSeconds } from "../src/measuredb/measure.js";
import { machineFacts } from "../src/measuredb/runMeasureDb.js";
import { createAndPopulate, loadIds } from "../src/measuredb/schema.js";
import { startLocalServer } from "../src/measuredb/server.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const CONNECTIONS = Number(arg("--connections", "200"));
const WORKSPACES = Number(arg("--workspaces", "1000"));
const PG_BIN = args.includes("--pg-bin") ? arg("--pg-bin", "") : undefined;
const date = new Date().toISOString();
const out = arg("--out", `results/measure-db/cold-backend-${date.slice(0, 10)}.yaml`);
const log = (line: string) => process.stderr.write(`${line}\n`);

const server = await startLocalServer(log, [], PG_BIN);
const steps = { startup: [] as number[], firstCall: [] as number[], secondCall: [] as number[] };
let version = "";
const loads: number[] = [];
try {
  const control = new pg.Client({ connectionString: server.url });
  await control.connect();
  version = (await control.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  await createAndPopulate(control, { workspaces: WORKSPACES, statsHistoryMinutes: 10, logLinesPerJob: 1 }, log);
  await control.query("LISTEN tailnet_peer_update"); // a NOTIFY goes through a queue someone reads, as in coderd
  const catalog = new Map(buildCatalog(await loadIds(control)).map((c) => [c.id, c]));
  const call = [...AUTH_READS, ...FLEET_STATEMENTS.metadata].map((id) => catalog.get(id)!);
  loads.push(loadavg()[0]!);
  for (let k = 0; k < CONNECTIONS; k++) {
    const agent = (k * 7) % WORKSPACES;
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const pid = (c as unknown as { processID: number }).processID;
    const t0 = processCpuSeconds(pid);
    for (const cls of call) await c.query(statementText(cls, cls.params(agent)));
    const t1 = processCpuSeconds(pid);
    for (const cls of call) await c.query(statementText(cls, cls.params(agent)));
    const t2 = processCpuSeconds(pid);
    await c.end();
    steps.startup.push(t0);
    steps.firstCall.push(t1 - t0);
    steps.secondCall.push(t2 - t1);
  }
  loads.push(loadavg()[0]!);
  await control.end();
} finally {
  await server.stop();
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => Number((x * 1e3).toPrecision(3));
const summary = Object.fromEntries(
  Object.entries(steps).map(([k, xs]) => [k, { mean_ms: ms(mean(xs)), median_ms: ms(median(xs)) }]),
);
const m = machineFacts();
const coldCache = mean(steps.firstCall) - mean(steps.secondCall);
const source =
  `measured ${date.slice(0, 10)} by bench/coldBackend.ts on ${m.cpuModel} (${m.cores} cores, load average ` +
  `${loads.map((l) => l.toFixed(1)).join("-")}), PostgreSQL ${version} (${server.origin}); ${CONNECTIONS} new ` +
  `connections: one agent metadata call's statements (${[...AUTH_READS, ...FLEET_STATEMENTS.metadata].join(", ")}) ` +
  `on the new backend (mean ${summary.firstCall!.mean_ms} ms) minus the same call again on it (${summary.secondCall!.mean_ms} ms), ` +
  "the backend's /proc/<pid>/schedstat";
const doc = {
  name: `cold-backend-${date.slice(0, 10)}`,
  description:
    "CPU of a new PostgreSQL backend: its start-up (fork, SCRAM authentication, start-up; read at the first moment " +
    "the client holds the connection) and one agent metadata call's statements on it, first (cold catalog caches) " +
    "and again (warm). A model overlay (model_parameters.database.connection_cold_cache_cpu_s: first call minus second).",
  measured_with: {
    command: `npx tsx bench/coldBackend.ts --connections ${CONNECTIONS} --workspaces ${WORKSPACES}${PG_BIN ? ` --pg-bin ${PG_BIN}` : ""}`,
    date,
    machine: { cpu_model: m.cpuModel, cores: m.cores, memory_gb: m.memoryGb, kernel: m.kernel },
    load_average_1m: { start: loads[0], end: loads[1] },
    postgresql: { version, origin: server.origin },
    statements_per_call: [...AUTH_READS, ...FLEET_STATEMENTS.metadata],
  },
  connections: CONNECTIONS,
  cpu_per_connection: summary,
  cold_cache_cost_ms: ms(coldCache),
  model_parameters: {
    database: { connection_cold_cache_cpu_s: { value: Number(coldCache.toPrecision(4)), unit: "s", source } },
  },
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `# Generated by npx tsx bench/coldBackend.ts\n${YAML.stringify(doc, { lineWidth: 0 })}`);
process.stdout.write(
  `start-up ${summary.startup!.mean_ms} ms, first metadata call ${summary.firstCall!.mean_ms} ms, second ${summary.secondCall!.mean_ms} ms (means over ${CONNECTIONS} connections) -> ${out}\n`,
);
