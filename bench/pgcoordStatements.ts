// The PG coordinator's statements on a real PostgreSQL: CPU per statement of each query pgcoord runs
// (enterprise/tailnet/pgcoord.go with coderd/database/queries/tailnet.sql, the v2.4-v2.9 shape whose
// tailnet_peers / tailnet_tunnels / tailnet_coordinators triggers pg_notify on every row change).
// `npx tsx bench/pgcoordStatements.ts [--repeats N] [--peers P] [--out FILE]` starts a throw-away server
// (as measure-db does), creates the three tables with their indexes and triggers, fills them with P peers
// (agents and clients) on 3 coordinators and one tunnel per client, then runs each statement N times from
// one connection, each committed alone as coderd's pool runs them, and reads the CPU time of that
// backend (/proc/<pid>/schedstat). Written as a model overlay (model_parameters.tailnet_coordinator).
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import pg from "pg";
import YAML from "yaml";
import { processCpuSeconds } from "../src/measuredb/measure.js";
import { machineFacts } from "../src/measuredb/runMeasureDb.js";
import { startLocalServer } from "../src/measuredb/server.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const REPEATS = Number(arg("--repeats", "2000"));
const PEERS = Number(arg("--peers", "2200"));
const date = new Date().toISOString();
const out = arg("--out", `results/measure-db/pgcoord-${date.slice(0, 10)}.yaml`);

/** coderd's migrations 000126/000157/000158 (v2.x): tables, indexes, notify triggers. */
const SCHEMA = `
CREATE TABLE tailnet_coordinators (id uuid PRIMARY KEY, heartbeat_at timestamptz NOT NULL);
CREATE TYPE tailnet_status AS ENUM ('ok', 'lost');
CREATE TABLE tailnet_peers (
  id uuid NOT NULL, coordinator_id uuid NOT NULL, updated_at timestamptz NOT NULL, node bytea NOT NULL,
  status tailnet_status DEFAULT 'ok' NOT NULL, PRIMARY KEY (id, coordinator_id),
  FOREIGN KEY (coordinator_id) REFERENCES tailnet_coordinators(id) ON DELETE CASCADE);
CREATE INDEX idx_tailnet_peers_coordinator ON tailnet_peers (coordinator_id);
CREATE TABLE tailnet_tunnels (
  coordinator_id uuid NOT NULL, src_id uuid NOT NULL, dst_id uuid NOT NULL, updated_at timestamptz NOT NULL,
  PRIMARY KEY (coordinator_id, src_id, dst_id),
  FOREIGN KEY (coordinator_id) REFERENCES tailnet_coordinators(id) ON DELETE CASCADE);
CREATE INDEX idx_tailnet_tunnels_src_id ON tailnet_tunnels USING hash (src_id);
CREATE INDEX idx_tailnet_tunnels_dst_id ON tailnet_tunnels USING hash (dst_id);
CREATE FUNCTION tailnet_notify_coordinator_heartbeat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('tailnet_coordinator_heartbeat', NEW.id::text); RETURN NULL; END; $$;
CREATE TRIGGER tailnet_notify_coordinator_heartbeat AFTER INSERT OR UPDATE ON tailnet_coordinators
  FOR EACH ROW EXECUTE PROCEDURE tailnet_notify_coordinator_heartbeat();
CREATE FUNCTION tailnet_notify_peer_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD IS NOT NULL) THEN PERFORM pg_notify('tailnet_peer_update', OLD.id::text); RETURN NULL; END IF;
  IF (NEW IS NOT NULL) THEN PERFORM pg_notify('tailnet_peer_update', NEW.id::text); RETURN NULL; END IF;
END; $$;
CREATE TRIGGER tailnet_notify_peer_change AFTER INSERT OR UPDATE OR DELETE ON tailnet_peers
  FOR EACH ROW EXECUTE PROCEDURE tailnet_notify_peer_change();
CREATE FUNCTION tailnet_notify_tunnel_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW IS NOT NULL) THEN PERFORM pg_notify('tailnet_tunnel_update', NEW.src_id || ',' || NEW.dst_id); RETURN NULL;
  ELSIF (OLD IS NOT NULL) THEN PERFORM pg_notify('tailnet_tunnel_update', OLD.src_id || ',' || OLD.dst_id); RETURN NULL;
  END IF;
END; $$;
CREATE TRIGGER tailnet_notify_tunnel_change AFTER INSERT OR UPDATE OR DELETE ON tailnet_tunnels
  FOR EACH ROW EXECUTE PROCEDURE tailnet_notify_tunnel_change();
`;

/** coderd/database/queries/tailnet.sql (v2.x), by sqlc name. */
const Q = {
  UpsertTailnetCoordinator: `INSERT INTO tailnet_coordinators (id, heartbeat_at) VALUES ($1, now() at time zone 'utc')
    ON CONFLICT (id) DO UPDATE SET id = $1, heartbeat_at = now() at time zone 'utc' RETURNING *`,
  UpsertTailnetPeer: `INSERT INTO tailnet_peers (id, coordinator_id, node, status, updated_at)
    VALUES ($1, $2, $3, $4, now() at time zone 'utc') ON CONFLICT (id, coordinator_id)
    DO UPDATE SET id = $1, coordinator_id = $2, node = $3, status = $4, updated_at = now() at time zone 'utc' RETURNING *`,
  DeleteTailnetPeer: "DELETE FROM tailnet_peers WHERE id = $1 and coordinator_id = $2 RETURNING id, coordinator_id",
  UpsertTailnetTunnel: `INSERT INTO tailnet_tunnels (coordinator_id, src_id, dst_id, updated_at)
    VALUES ($1, $2, $3, now() at time zone 'utc') ON CONFLICT (coordinator_id, src_id, dst_id)
    DO UPDATE SET coordinator_id = $1, src_id = $2, dst_id = $3, updated_at = now() at time zone 'utc' RETURNING *`,
  DeleteAllTailnetTunnels: "DELETE FROM tailnet_tunnels WHERE coordinator_id = $1 and src_id = $2",
  GetTailnetTunnelPeerIDs: `SELECT dst_id as peer_id, coordinator_id, updated_at FROM tailnet_tunnels WHERE tailnet_tunnels.src_id = $1
    UNION SELECT src_id as peer_id, coordinator_id, updated_at FROM tailnet_tunnels WHERE tailnet_tunnels.dst_id = $1`,
  GetTailnetTunnelPeerBindings: `SELECT id AS peer_id, coordinator_id, updated_at, node, status FROM tailnet_peers
    WHERE id IN (SELECT dst_id as peer_id FROM tailnet_tunnels WHERE tailnet_tunnels.src_id = $1
    UNION SELECT src_id as peer_id FROM tailnet_tunnels WHERE tailnet_tunnels.dst_id = $1)`,
} as const;

/** A tailnet node as protobuf bytes: keys, addresses, DERP latencies (~300 bytes, as coderd stores). */
const NODE = Buffer.alloc(300, 7);

interface Fixture {
  coordinators: string[];
  agents: string[];
  clients: string[];
}

async function fill(c: pg.Client): Promise<Fixture> {
  await c.query(SCHEMA);
  const coordinators = [randomUUID(), randomUUID(), randomUUID()];
  for (const id of coordinators) await c.query(Q.UpsertTailnetCoordinator, [id]);
  const agents = Array.from({ length: Math.round(PEERS * 0.9) }, () => randomUUID());
  const clients = Array.from({ length: PEERS - agents.length }, () => randomUUID());
  for (const [i, id] of agents.entries()) await c.query(Q.UpsertTailnetPeer, [id, coordinators[i % 3], NODE, "ok"]);
  for (const [i, id] of clients.entries()) {
    await c.query(Q.UpsertTailnetPeer, [id, coordinators[i % 3], NODE, "ok"]);
    await c.query(Q.UpsertTailnetTunnel, [coordinators[i % 3], id, agents[i % agents.length]]);
  }
  await c.query("VACUUM ANALYZE");
  return { coordinators, agents, clients };
}

/** Each statement as coderd runs it: arguments for the i-th run (leaves the tables as it found them). */
function runs(f: Fixture): Record<string, (i: number) => unknown[][]> {
  const coord = f.coordinators[0]!;
  const agent = (i: number) => f.agents[i % f.agents.length]!;
  const client = (i: number) => f.clients[i % f.clients.length]!;
  return {
    // heartbeat: the coordinator's row, every 2 s
    UpsertTailnetCoordinator: () => [[coord]],
    // a node update of an existing peer (the common case: the row exists after the first)
    UpsertTailnetPeer: (i) => [[agent(i), f.coordinators[i % 3], NODE, "ok"]],
    // a client's tunnel to its agent, updated in place
    UpsertTailnetTunnel: (i) => [[f.coordinators[i % 3], client(i), agent(i)]],
    GetTailnetTunnelPeerIDs: (i) => [[i % 2 === 0 ? client(i) : agent(i)]],
    GetTailnetTunnelPeerBindings: (i) => [[i % 2 === 0 ? client(i) : agent(i)]],
  };
}

async function backend(url: string): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
  return { client, pid: rows[0]!.pid };
}

/** CPU seconds per run of `sqls` (statements of one run, each committed alone). */
async function cpuPerRun(conn: { client: pg.Client; pid: number }, sqls: string[], argsOf: (i: number) => unknown[][]): Promise<number> {
  // Warm-up on arguments the measured runs do not use (REPEATS..REPEATS+99).
  for (let i = REPEATS; i < REPEATS + 100; i++)
    for (const [j, s] of sqls.entries()) await conn.client.query(s, argsOf(i)[j]);
  const before = processCpuSeconds(conn.pid);
  for (let i = 0; i < REPEATS; i++) for (const [j, s] of sqls.entries()) await conn.client.query(s, argsOf(i)[j]);
  return (processCpuSeconds(conn.pid) - before) / REPEATS;
}

const server = await startLocalServer((line) => process.stderr.write(`${line}\n`));
const results: Record<string, number[]> = {};
let version = "";
const loadBefore = loadavg()[0]!;
try {
  const conn = await backend(server.url);
  version = (await conn.client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  const f = await fill(conn.client);
  const plan = runs(f);
  const fresh = () => randomUUID();
  const coord = f.coordinators[0]!;
  for (let rep = 0; rep < 3; rep++) {
    for (const [name, argsOf] of Object.entries(plan)) {
      const s = await cpuPerRun(conn, [Q[name as keyof typeof Q]], argsOf);
      (results[name] ??= []).push(s);
      process.stderr.write(`${name}: ${(s * 1e6).toFixed(1)} µs\n`);
    }
    // A peer that comes and goes (an agent or client connection): insert, then delete; the delete's
    // cost is the pair's minus an insert's. Its tunnels go with DeleteAllTailnetTunnels (one tunnel).
    const ids = Array.from({ length: REPEATS + 100 }, fresh);
    const insert = await cpuPerRun(conn, [Q.UpsertTailnetPeer], (i) => [[ids[i], coord, NODE, "ok"]]);
    const ids2 = Array.from({ length: REPEATS + 100 }, fresh);
    const pair = await cpuPerRun(conn, [Q.UpsertTailnetPeer, Q.DeleteTailnetPeer], (i) => {
      const id = ids2[i];
      return [[id, coord, NODE, "ok"], [id, coord]];
    });
    (results.DeleteTailnetPeer ??= []).push(pair - insert);
    const t = Array.from({ length: REPEATS + 100 }, fresh);
    const tunnel = await cpuPerRun(conn, [Q.UpsertTailnetTunnel], (i) => [[coord, t[i], f.agents[0]]]);
    const t2 = Array.from({ length: REPEATS + 100 }, fresh);
    const tpair = await cpuPerRun(conn, [Q.UpsertTailnetTunnel, Q.DeleteAllTailnetTunnels], (i) => {
      const id = t2[i];
      return [[coord, id, f.agents[1]], [coord, id]];
    });
    (results.DeleteAllTailnetTunnels ??= []).push(tpair - tunnel);
    process.stderr.write(`DeleteTailnetPeer: ${((pair - insert) * 1e6).toFixed(1)} µs, DeleteAllTailnetTunnels: ${((tpair - tunnel) * 1e6).toFixed(1)} µs\n`);
  }
  await conn.client.end();
} finally {
  await server.stop();
}
const loadAfter = loadavg()[0]!;
const m = machineFacts();
const sig = (x: number) => Number(x.toPrecision(4));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const prov = (name: string) =>
  `measured ${date.slice(0, 10)} by bench/pgcoordStatements.ts on ${m.cpuModel} (${m.cores} cores, load average ` +
  `${loadBefore.toFixed(2)} before / ${loadAfter.toFixed(2)} after: a loaded machine overstates quiet costs), PostgreSQL ` +
  `${version} (${server.origin}); ${name} (coderd/database/queries/tailnet.sql, v2.x, with its notify trigger) ` +
  `run ${REPEATS} times, each committed alone, on ${PEERS} peers (3 coordinators, a tunnel per client); backend CPU ` +
  `(/proc/<pid>/schedstat); median of 3 repeats (${results[name]!.map((x) => (x * 1e6).toFixed(1)).join(", ")} µs)`;
const param = (name: string) => ({ value: sig(median(results[name]!)), unit: "s", source: prov(name) });
const doc = {
  name: `pgcoord-${date.slice(0, 10)}`,
  description:
    "The PG coordinator's statements measured on a real PostgreSQL: CPU per statement, the trigger's pg_notify " +
    "included (its fan-out to listeners is pubsub.listener_cpu_s). A model overlay (model_parameters.tailnet_coordinator).",
  measured_with: {
    command: `npx tsx bench/pgcoordStatements.ts --repeats ${REPEATS} --peers ${PEERS}`,
    date,
    machine: { cpu_model: m.cpuModel, cores: m.cores, memory_gb: m.memoryGb, kernel: m.kernel },
    load_average_1min: { before: loadBefore, after: loadAfter },
    postgresql: { version, origin: server.origin },
    data_volume: { peers: PEERS, coordinators: 3, tunnels: PEERS - Math.round(PEERS * 0.9) },
    cpu_s_per_statement: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.map(sig)])),
  },
  model_parameters: {
    tailnet_coordinator: {
      heartbeat_cpu_s: param("UpsertTailnetCoordinator"),
      peer_upsert_cpu_s: param("UpsertTailnetPeer"),
      peer_delete_cpu_s: param("DeleteTailnetPeer"),
      tunnel_upsert_cpu_s: param("UpsertTailnetTunnel"),
      tunnel_delete_cpu_s: param("DeleteAllTailnetTunnels"),
      peer_lookup_cpu_s: param("GetTailnetTunnelPeerIDs"),
      mapping_query_cpu_s: param("GetTailnetTunnelPeerBindings"),
    },
  },
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `# Generated by npx tsx bench/pgcoordStatements.ts\n${YAML.stringify(doc, { lineWidth: 0 })}`);
process.stdout.write(
  `${Object.entries(results)
    .map(([k, v]) => `${k} ${(median(v) * 1e6).toFixed(1)} µs`)
    .join(", ")} -> ${out}\n`,
);
