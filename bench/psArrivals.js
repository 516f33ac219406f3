// How many jobs each PS CPU already holds when a job arrives (0..5, then 6 or more), with its cores for
// jobs at that moment (rounded down to a half), over one replication: whether its arrivals find a free core.
//   node bench/psArrivals.js [tree=.] [scenario] [--set k=v ...]
import { treeArgs } from "./treeArgs.js";

const { tree, scenario, sets } = treeArgs();
const { ProcessorSharingCpu } = await import(`${tree}/dist/engine/resources/processorSharingCpu.js`);
const { loadScenarioAndModel } = await import(`${tree}/dist/cli/scenarioInput.js`);
const { runReplication } = await import(`${tree}/dist/model/coderModel.js`);

const counts = new Map();
const enter = ProcessorSharingCpu.prototype.enter;
ProcessorSharingCpu.prototype.enter = function (work, tag) {
  const cores = Math.floor((this.cores - this.backgroundVcpu) * 2) / 2;
  const key = `${this.name}\t${cores}\t${this.jobsInSystem >= 6 ? "6+" : this.jobsInSystem}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return enter.call(this, work, tag);
};
const { loaded, model } = loadScenarioAndModel(scenario, sets);
runReplication(loaded.scenario, model.model, 1);
console.log("cpu\tcores for jobs\tjobs present\tarrivals");
for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${key}\t${n}`);
