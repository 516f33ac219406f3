// Where a warm replication's CPU time goes: runs the replication `--reps n` times (default 2) in one process
// and CPU-profiles only the last (the V8 inspector's sampling profiler, 100 µs), then sums self time by
// bucket (engine event list, PS CPU, pipeline, agents, statistics, random draws, GC, …) and by function.
// With --count it instead counts the events each registered action fires (the actions wrapped, so do not
// read its time) and prints them by the source line that registered them.
//   node bench/profileWarm.js [scenario] [--set k=v ...] [--reps n] [--count] [--out file.cpuprofile]
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";

const tree = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const sets = [];
let scenario = "scaletest-2000";
let reps = 2;
let count = false;
let out;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--set") sets.push(args[++i]);
  else if (args[i] === "--reps") reps = Number(args[++i]);
  else if (args[i] === "--count") count = true;
  else if (args[i] === "--out") out = args[++i];
  else scenario = args[i];
}

const { Simulation } = await import(`${tree}/dist/engine/simulation.js`);
const { loadScenarioAndModel } = await import(`${tree}/dist/cli/scenarioInput.js`);
const { runReplication } = await import(`${tree}/dist/model/coderModel.js`);
const { loaded, model } = loadScenarioAndModel(scenario, sets);

if (count) {
  // Each registered action counts its firings under the line that registered it.
  const fired = new Map();
  const register = Simulation.prototype.register;
  Simulation.prototype.register = function (action) {
    const line = new Error().stack.split("\n")[2].trim().replace(/^at /, "").replace(tree, "");
    const cell = fired.get(line) ?? { n: 0 };
    fired.set(line, cell);
    return register.call(this, (arg) => {
      cell.n++;
      action(arg);
    });
  };
  const rep = runReplication(loaded.scenario, model.model, 1);
  const rows = [...fired].filter(([, c]) => c.n > 0).sort((a, b) => b[1].n - a[1].n);
  console.log(`${rep.events} events`);
  for (const [line, c] of rows)
    console.log(
      `${(c.n / 1e6).toFixed(3).padStart(8)} M ${((100 * c.n) / rep.events).toFixed(1).padStart(5)} %  ${line}`,
    );
  process.exit(0);
}

for (let r = 0; r < reps - 1; r++) runReplication(loaded.scenario, model.model, 1);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
await session.post("Profiler.start");
const cpu0 = process.cpuUsage();
const rep = runReplication(loaded.scenario, model.model, 1);
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post("Profiler.stop");
if (out) writeFileSync(out, JSON.stringify(profile));

/** Bucket of a function by its file (and a few names). */
function bucketOf(url, name) {
  const file = url.replace(/^.*\/dist\//, "");
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)" || name === "(idle)" || name === "(root)") return "V8 other (program)";
  if (!file) return `native: ${name}`;
  if (/engine\/(eventList|fixedDelayLanes|simulation)/.test(file))
    return "engine: event list, loop, dispatch";
  if (/engine\/resources\/(processorSharingCpu|slotHeap)/.test(file)) return "engine: PS CPU";
  if (/engine\/resources\//.test(file)) return "engine: FCFS queues, pools, batchers";
  if (/engine\/random/.test(file)) return "random draws";
  if (/engine\/stats/.test(file)) return "statistics (sketches, time-weighted, sampler)";
  if (/model\/(requestPipeline|requestPlans|deadlineQueue|requestClasses)/.test(file))
    return "request pipeline";
  if (/model\/components\/controlPlane/.test(file)) return "request pipeline (control-plane listeners)";
  if (/model\/(agentFleet|agentDial)|components\/agentComponents/.test(file)) return "agents";
  if (/model\/metrics|components\/component|featureMetrics|summaryMetrics|series\//.test(file))
    return "metrics, series, listeners";
  if (/model\//.test(file)) return `model: ${file.replace(/^model\//, "").replace(/\.js$/, "")}`;
  return `other: ${file}`;
}

const total = profile.samples.length;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfCount = new Map();
for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
const buckets = new Map();
const fns = new Map();
for (const [id, n] of selfCount) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const name = functionName || "(anonymous)";
  const b = bucketOf(url, name);
  buckets.set(b, (buckets.get(b) ?? 0) + n);
  const key = `${name} ${url.replace(/^.*\/dist\//, "")}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + n);
}
const seconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `${scenario} ${sets.join(" ")}: replication ${reps} of ${reps} in one process, ${rep.events} events, ` +
    `${seconds.toFixed(3)} s CPU (process), ${((1e9 * seconds) / rep.events).toFixed(0)} ns CPU per event, ${total} samples`,
);
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
console.log("\nby bucket (self time)");
for (const [b, n] of [...buckets].sort((a, c) => c[1] - a[1])) console.log(`${pct(n)}  ${b}`);
console.log("\ntop functions (self time)");
for (const [f, n] of [...fns].sort((a, c) => c[1] - a[1]).slice(0, 40)) console.log(`${pct(n)}  ${f}`);
