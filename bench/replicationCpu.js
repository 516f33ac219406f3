// CPU seconds of one replication (runReplication only, loading excluded) of a build, seed 1. For before/after
// comparisons on a loaded machine, run two builds' copies alternately in separate processes (A B B A …)
// and compare minimum and median:
//   node bench/replicationCpu.js <tree> [scenario] [--set k=v ...]
import { resolve } from "node:path";

const [treeArg, ...rest] = process.argv.slice(2);
const tree = resolve(treeArg ?? ".");
const sets = [];
let scenario = "scaletest-2000";
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "--set") sets.push(rest[++i]);
  else scenario = rest[i];
}
const { loadScenarioAndModel } = await import(`${tree}/dist/cli/scenarioInput.js`);
const { runReplication } = await import(`${tree}/dist/model/coderModel.js`);
const { loaded, model } = loadScenarioAndModel(scenario, sets);
const start = process.cpuUsage();
const rep = runReplication(loaded.scenario, model.model, 1);
const used = process.cpuUsage(start);
console.log(`${((used.user + used.system) / 1e6).toFixed(3)} s CPU  ${rep.events} events  ${tree}`);
