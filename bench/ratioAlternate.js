// Model events per CPU second as a share of the M/M/4 kernel's, for two builds in one process (separate
// module instances), alternated kernel/model of A, then of B, then B, then A …: what a loaded machine
// distorts least when comparing a speed change. After building both trees:
//   node bench/ratioAlternate.js <other-tree> <rounds> [scenario]
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [otherTree, roundsText, scenario = "scaletest-2000"] = process.argv.slice(2);
if (!otherTree) throw new Error("usage: node bench/ratioAlternate.js <other-tree> <rounds> [scenario]");
const trees = { other: resolve(otherTree), this: fileURLToPath(new URL("..", import.meta.url)) };
const rounds = Number(roundsText ?? 3);

async function buildOf(root) {
  const kernel = (await import(`${root}/bench/benchmarks/mm4Kernel.js`)).run;
  const { loadScenarioAndModel } = await import(`${root}/dist/cli/scenarioInput.js`);
  const { runReplication } = await import(`${root}/dist/model/coderModel.js`);
  const { loaded, model } = loadScenarioAndModel(scenario);
  return { kernel, model: () => runReplication(loaded.scenario, model.model, 1) };
}

const cpuOf = (fn) => {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, seconds: (used.user + used.system) / 1e6 };
};
const build = { other: await buildOf(trees.other), this: await buildOf(trees.this) };
const rows = { other: [], this: [] };
for (let i = 0; i < rounds; i++) {
  for (const k of i % 2 ? ["this", "other"] : ["other", "this"]) {
    const kernel = build[k].kernel({ customers: 1_000_000 });
    const kernelRate = kernel.figures.find((f) => f.name === "events per CPU second").value;
    const model = cpuOf(build[k].model);
    const modelRate = model.value.events / model.seconds;
    rows[k].push({ kernelRate, modelRate, ratio: modelRate / kernelRate, cpu: model.seconds });
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (const k of ["other", "this"]) {
  const r = rows[k];
  console.log(`${trees[k]}`);
  console.log(`  kernel M events/CPU s: ${r.map((x) => (x.kernelRate / 1e6).toFixed(2)).join(" ")}`);
  console.log(`  model  M events/CPU s: ${r.map((x) => (x.modelRate / 1e6).toFixed(2)).join(" ")}`);
  console.log(`  model CPU s:           ${r.map((x) => x.cpu.toFixed(2)).join(" ")}`);
  console.log(
    `  model / kernel:        ${r.map((x) => (100 * x.ratio).toFixed(1)).join(" ")} % (median ${(100 * median(r.map((x) => x.ratio))).toFixed(1)} %)`,
  );
}
