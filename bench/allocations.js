// Bytes allocated per event over one replication (a sampling heap profile that keeps the objects minor
// and major GCs collected), and the allocating functions. Not timed: what it measures does not move with
// the machine's load. After `npm run build`:
//   node bench/allocations.js [scenario] [--set k=v ...]
import { Session } from "node:inspector/promises";
import { loadScenarioAndModel } from "../dist/cli/scenarioInput.js";
import { runReplication } from "../dist/model/coderModel.js";

const args = process.argv.slice(2);
const sets = [];
let scenario = "scaletest-2000";
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--set") sets.push(args[++i]);
  else scenario = args[i];
}
const { loaded, model } = loadScenarioAndModel(scenario, sets);
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const rep = runReplication(loaded.scenario, model.model, 1);
const { profile } = await session.post("HeapProfiler.stopSampling");
const byFunction = new Map();
let total = 0;
const walk = (node) => {
  const f = node.callFrame;
  const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/.*\/dist\//, "")}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(
  `${rep.events} events, ${(total / 2 ** 20).toFixed(0)} MiB allocated, ${(total / rep.events).toFixed(1)} B/event`,
);
for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${key}`);
