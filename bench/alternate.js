// Two builds of capsim in one process (separate module instances), alternated A B B A …, CPU seconds of
// each run: a before/after comparison that a busy, shared machine distorts far less than wall times of
// separate processes. After building both trees:
//   node bench/alternate.js <other-tree> <runs> ps                      M/M/4 through the PS CPU
//   node bench/alternate.js <other-tree> <runs> kernel                  M/M/4 on the bare kernel (10^6 customers)
//   node bench/alternate.js <other-tree> <runs> <scenario> [k=v ...]     one replication (seed 1)
// Run it from this tree (scenarios that name their model by name find it relative to the working directory).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [otherTree, runsText, what = "scaletest-2000", ...sets] = process.argv.slice(2);
if (!otherTree)
  throw new Error("usage: node bench/alternate.js <other-tree> <runs> ps|kernel|<scenario> [k=v ...]");
const trees = { other: resolve(otherTree), this: fileURLToPath(new URL("..", import.meta.url)) };
const runs = Number(runsText ?? 4);

async function runnerOf(root) {
  if (what === "ps") {
    const { run } = await import(`${root}/bench/benchmarks/mm4Resources.js`);
    return () => run({ customers: 500_000, discipline: "ps" });
  }
  if (what === "kernel") {
    const { run } = await import(`${root}/bench/benchmarks/mm4Kernel.js`);
    return () => run({ customers: 1_000_000 });
  }
  const { loadScenarioAndModel } = await import(`${root}/dist/cli/scenarioInput.js`);
  const { runReplication } = await import(`${root}/dist/model/coderModel.js`);
  return () => {
    const { loaded, model } = loadScenarioAndModel(what, sets);
    runReplication(loaded.scenario, model.model, 1);
  };
}

const runner = { other: await runnerOf(trees.other), this: await runnerOf(trees.this) };
const cpu = { other: [], this: [] };
for (let i = 0; i < runs; i++) {
  for (const k of i % 2 ? ["this", "other"] : ["other", "this"]) {
    const start = process.cpuUsage();
    runner[k]();
    const used = process.cpuUsage(start);
    cpu[k].push((used.user + used.system) / 1e6);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const show = (a) => a.map((x) => x.toFixed(2)).join(" ");
console.log(`${what} ${sets.join(" ")}`);
console.log(`  ${trees.other}: ${show(cpu.other)} (median ${median(cpu.other).toFixed(2)} s CPU)`);
console.log(`  ${trees.this}: ${show(cpu.this)} (median ${median(cpu.this).toFixed(2)} s CPU)`);
console.log(`  change of the median: ${((median(cpu.this) / median(cpu.other) - 1) * 100).toFixed(1)} %`);
