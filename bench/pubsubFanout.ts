// NOTIFY fan-out on a real PostgreSQL: the CPU every listening backend spends per NOTIFY.
// `npx tsx bench/pubsubFanout.ts [--notifies N] [--out FILE]` starts a throw-away server (as measure-db
// does), opens L listening connections (L = 0, 1, 2, 4, 8) that LISTEN on a channel other than the one
// notified (coderd's pubsub listens on its subscribers' channels; the v2.8 metadata NOTIFY usually has
// no subscriber), sends N NOTIFYs from one connection, each committed alone, and reads the CPU time of the
// notifier's and every listener's backend process (/proc/<pid>/schedstat). The slope of CPU per NOTIFY
// over L is the per-listener cost; it is written as a model overlay (model_parameters.pubsub).
import { mkdirSync, writeFileSync } from "node:fs";
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
const NOTIFIES = Number(arg("--notifies", "3000"));
const LISTENERS = [0, 1, 2, 4, 8];
const REPEATS = 3;
const date = new Date().toISOString();
const out = arg("--out", `results/measure-db/pubsub-fanout-${date.slice(0, 10)}.yaml`);

async function connect(url: string): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
  return { client, pid: rows[0]!.pid };
}

/** CPU seconds per NOTIFY of the notifier's and the listeners' backends together. */
async function measure(url: string, listeners: number): Promise<number> {
  const notifier = await connect(url);
  const listening = await Promise.all(Array.from({ length: listeners }, () => connect(url)));
  for (const l of listening) await l.client.query("LISTEN capsim_other_channel");
  const pids = [notifier.pid, ...listening.map((l) => l.pid)];
  const cpu = () => pids.reduce((s, pid) => s + processCpuSeconds(pid), 0);
  const payload = "x".repeat(200);
  for (let i = 0; i < 200; i++) await notifier.client.query("select pg_notify('capsim_channel', $1)", [payload]);
  await new Promise((r) => setTimeout(r, 200));
  const before = cpu();
  for (let i = 0; i < NOTIFIES; i++)
    await notifier.client.query("select pg_notify('capsim_channel', $1)", [payload]);
  // Listeners read the queue when signalled; give the last signals time to be served.
  await new Promise((r) => setTimeout(r, 500));
  const used = cpu() - before;
  await Promise.all([notifier, ...listening].map((c) => c.client.end()));
  return used / NOTIFIES;
}

/** Least-squares slope and intercept of y over x. */
function fit(points: { x: number; y: number }[]): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssr = points.reduce((s, p) => s + (p.y - intercept - slope * p.x) ** 2, 0);
  const sst = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
  return { slope, intercept, r2: 1 - ssr / sst };
}

const server = await startLocalServer((line) => process.stderr.write(`${line}\n`));
const points: { x: number; y: number }[] = [];
let version = "";
try {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  version = (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  await c.end();
  for (let r = 0; r < REPEATS; r++) {
    for (const l of LISTENERS) {
      const y = await measure(server.url, l);
      points.push({ x: l, y });
      process.stderr.write(`listeners ${l}: ${(y * 1e6).toFixed(1)} µs CPU per NOTIFY\n`);
    }
  }
} finally {
  await server.stop();
}
const { slope, intercept, r2 } = fit(points);
const m = machineFacts();
const sig = (x: number) => Number(x.toPrecision(4));
const prov =
  `measured ${date.slice(0, 10)} by bench/pubsubFanout.ts on ${m.cpuModel} (${m.cores} cores), PostgreSQL ${version} ` +
  `(${server.origin}); ${NOTIFIES} NOTIFYs (200-byte payload, each committed alone) per run, listeners ` +
  `${LISTENERS.join("/")} on another channel, ${REPEATS} repeats; CPU of the notifier's and listeners' backends ` +
  `(/proc/<pid>/schedstat); least-squares slope over listeners (r2 ${r2.toFixed(3)})`;
const doc = {
  name: `pubsub-fanout-${date.slice(0, 10)}`,
  description:
    "NOTIFY fan-out measured on a real PostgreSQL: CPU per NOTIFY per listening connection. A model overlay " +
    "(model_parameters.pubsub.listener_cpu_s); the intercept is the notifier's own cost.",
  measured_with: {
    command: `npx tsx bench/pubsubFanout.ts --notifies ${NOTIFIES}`,
    date,
    machine: { cpu_model: m.cpuModel, cores: m.cores, memory_gb: m.memoryGb, kernel: m.kernel },
    postgresql: { version, origin: server.origin },
    points: points.map((p) => ({ listeners: p.x, cpu_s_per_notify: sig(p.y) })),
  },
  model_parameters: {
    pubsub: { listener_cpu_s: { value: sig(slope), unit: "s", source: prov } },
  },
  notifier_cpu_s_per_notify: { value: sig(intercept), unit: "s", source: prov },
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `# Generated by npx tsx bench/pubsubFanout.ts\n${YAML.stringify(doc, { lineWidth: 0 })}`);
process.stdout.write(
  `listener_cpu_s ${(slope * 1e6).toFixed(1)} µs per NOTIFY per listener (intercept ${(intercept * 1e6).toFixed(1)} µs, r2 ${r2.toFixed(3)}) -> ${out}\n`,
);
