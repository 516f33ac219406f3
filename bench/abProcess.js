// Two builds compared in fresh processes, alternated A B, B A, …: each process loads one tree, runs two
// untimed scaletest-2000 replications and then `reps` timed ones, and reports its median CPU time. Prints
// each tree's median and the paired relative change with its standard error over process pairs.
// abWarm.js keeps both trees in one process, which measured a bias of up to 4.6 % between two copies of
// one build (each copy keeps its own JIT state); fresh processes do not share that offset. After building:
//   node bench/abProcess.js <tree-A> <tree-B> [pairs=8] [users=600] [reps=3]
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

if (args[0] === "--child") {
  const [, root, users, reps] = args;
  const { loadScenarioAndModel } = await import(`${root}/dist/cli/scenarioInput.js`);
  const { runReplication } = await import(`${root}/dist/model/coderModel.js`);
  const sets = [`workload.users=${users}`, `workload.workspaces=${users}`];
  const { loaded, model } = loadScenarioAndModel("scaletest-2000", sets);
  const cpuSeconds = () => {
    const start = process.cpuUsage();
    runReplication(loaded.scenario, model.model, 1);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  cpuSeconds();
  cpuSeconds();
  const timed = Array.from({ length: Number(reps) }, cpuSeconds).sort((p, q) => p - q);
  console.log(timed[timed.length >> 1]);
  process.exit(0);
}

const [a, b, pairsText = "8", users = "600", reps = "3"] = args;
const one = (root) =>
  Number(execFileSync(process.execPath, [self, "--child", resolve(root), users, reps], { encoding: "utf8" }));
const A = [];
const B = [];
for (let i = 0; i < Number(pairsText); i++) {
  if (i % 2) {
    B.push(one(b));
    A.push(one(a));
  } else {
    A.push(one(a));
    B.push(one(b));
  }
  process.stderr.write(`pair ${i + 1}/${pairsText}: A ${A[i].toFixed(3)} s, B ${B[i].toFixed(3)} s\n`);
}
const median = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
const d = A.map((x, i) => B[i] / x - 1);
const mean = d.reduce((s, x) => s + x, 0) / d.length;
const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1) / d.length);
console.log(`A ${a}: median ${median(A).toFixed(3)} s  B ${b}: median ${median(B).toFixed(3)} s`);
console.log(
  `B/A-1: median ${(100 * (median(B) / median(A) - 1)).toFixed(1)} %, paired mean ${(100 * mean).toFixed(1)} % ± ${(100 * se).toFixed(1)} % (s.e., n=${d.length} process pairs)`,
);
