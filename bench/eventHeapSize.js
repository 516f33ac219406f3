// Size of the event list's main heap over one replication, sampled at every 10,007th pop (a figure the
// machine's load does not move: the levels every heap sift walks). After `npm run build`:
//   node bench/eventHeapSize.js [tree] [scenario] [--set k=v ...]
import { treeArgs } from "./treeArgs.js";

const { tree, scenario, sets } = treeArgs();
const { EventList } = await import(`${tree}/dist/engine/eventList.js`);
const { loadScenarioAndModel } = await import(`${tree}/dist/cli/scenarioInput.js`);
const { runReplication } = await import(`${tree}/dist/model/coderModel.js`);
const popNext = EventList.prototype.popNext;
const bySize = new Map();
let pops = 0;
let samples = 0;
let sizeSum = 0;
let levelSum = 0;
EventList.prototype.popNext = function (until) {
  if (++pops % 10_007 === 0) {
    // `size` is the heap's private count (lanes and the aside heap are not in it).
    const size = this.size;
    const bucket = 2 ** Math.ceil(Math.log2(size + 1));
    bySize.set(bucket, (bySize.get(bucket) ?? 0) + 1);
    samples++;
    sizeSum += size;
    levelSum += Math.log2(size + 1);
  }
  return popNext.call(this, until);
};
const { loaded, model } = loadScenarioAndModel(scenario, sets);
runReplication(loaded.scenario, model.model, 1);
const buckets = [...bySize].sort((a, b) => a[0] - b[0]).map(([b, n]) => `<=${b}: ${n}`);
console.log(
  `${tree}: mean size ${(sizeSum / samples).toFixed(1)}, mean log2(size+1) ${(levelSum / samples).toFixed(2)}, ${samples} samples (${buckets.join(", ")})`,
);
