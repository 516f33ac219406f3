// Two builds in one process (separate module instances), one scaletest-2000 replication each, warm (two
// untimed runs each first), alternated A B B A …; prints the medians and the paired relative change with
// its standard error. A smaller run than alternate.js's 2000 users, so more pairs fit: on a loaded machine
// the pairs' spread, not one median, says whether a change of a few per cent is there. After building both:
//   node bench/abWarm.js <tree-A> <tree-B> [pairs=16] [users=600]
import { resolve } from "node:path";

const [a, b, runsText = "16", users = "600"] = process.argv.slice(2);
const sets = [`workload.users=${users}`, `workload.workspaces=${users}`];
async function runnerOf(root) {
  const { loadScenarioAndModel } = await import(`${root}/dist/cli/scenarioInput.js`);
  const { runReplication } = await import(`${root}/dist/model/coderModel.js`);
  const { loaded, model } = loadScenarioAndModel("scaletest-2000", sets);
  return () => runReplication(loaded.scenario, model.model, 1).events;
}
const r = { a: await runnerOf(resolve(a)), b: await runnerOf(resolve(b)) };
const cpu = (f) => {
  const s = process.cpuUsage();
  const ev = f();
  const u = process.cpuUsage(s);
  return [(u.user + u.system) / 1e6, ev];
};
for (let i = 0; i < 2; i++) {
  cpu(r.a);
  cpu(r.b);
}
const A = [],
  B = [];
let evA, evB;
for (let i = 0; i < Number(runsText); i++) {
  const order = i % 2 ? ["b", "a"] : ["a", "b"];
  for (const k of order) {
    const [t, ev] = cpu(r[k]);
    (k === "a" ? A : B).push(t);
    if (k === "a") evA = ev;
    else evB = ev;
  }
}
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
const d = A.map((x, i) => B[i] / x - 1);
const mean = d.reduce((s, x) => s + x, 0) / d.length;
const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1) / d.length);
console.log(
  `A ${a}: median ${med(A).toFixed(3)} s (${evA} events)  B ${b}: median ${med(B).toFixed(3)} s (${evB} events)`,
);
console.log(
  `B/A-1: median ${(100 * (med(B) / med(A) - 1)).toFixed(1)} %, paired mean ${(100 * mean).toFixed(1)} % ± ${(100 * se).toFixed(1)} % (s.e., n=${d.length})`,
);
