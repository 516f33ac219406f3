// How often a new test lands inside a run's 90 % prediction (docs/uncertainty.md, "Coverage, measured").
// node bench/predictionCoverage.js [tree] [scenario] [--set k=v ...] --sets K --cache FILE [--figures a,b]
// Runs K prediction-draw sets (the run's own tasks, prediction seeds 1..K, one draw at a time, resumable
// through FILE), builds each set's intervals with the run's own `combine`, and counts how many draws of
// the other sets (each a new Latin-hypercube point with a new seed: a new test) fall inside, and whether
// the nominal run's figure does.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { treeArgs } from "./treeArgs.js";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const [value] = argv.splice(i, 2).slice(1);
  return value;
};
const sets = Number(option("--sets", "20"));
const cache = option("--cache", "/tmp/prediction-coverage.jsonl");
const only = option("--figures", "");
const { tree, scenario, sets: overrides } = treeArgs(argv);
const dist = (p) => import(`${tree}/dist/${p}`);
const { loadScenarioAndModel } = await dist("cli/scenarioInput.js");
const { runScenario } = await dist("run/runScenario.js");
const { evaluatePoint } = await dist("sweep/evaluate.js");
const { uncertainModel } = await dist("uncertainty/parameters.js");
const P = await dist("uncertainty/prediction.js");
const { wilson } = await dist("measuredb/notifyHold.js");

const { loaded, model } = loadScenarioAndModel(scenario, overrides);
const m = uncertainModel(model);
const draws = P.DEFAULT_PREDICTION_DRAWS;
const stored = existsSync(cache)
  ? readFileSync(cache, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse)
  : [];
const key = (set, index) => `${set}/${index}`;
const have = new Map(stored.map((d) => [key(d.set, d.index), d.summary]));
const started = Date.now();
for (let set = 1; set <= sets; set++) {
  for (const task of P.predictionTasks(loaded, m, draws, set)) {
    if (have.has(key(set, task.index))) continue;
    const { summary } = evaluatePoint(task);
    have.set(key(set, task.index), summary);
    appendFileSync(cache, `${JSON.stringify({ set, index: task.index, summary })}\n`);
  }
  process.stderr.write(`set ${set}/${sets} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}
const nominal = runScenario(loaded, model, {}).summary;
const bySet = Array.from({ length: sets }, (_, s) =>
  Array.from({ length: draws }, (_, i) => have.get(key(s + 1, i))),
);

// Every figure of the nominal run: a metric's mean or a resource's utilisation, read the same way from a draw.
const figures = [
  ...nominal.metrics.map((x) => ({
    id: `${x.name}@${x.stage ?? ""}`,
    read: (s) => s.metrics.find((y) => y.name === x.name && y.stage === x.stage)?.mean ?? null,
    interval: (c) => c.metrics.find((y) => y.name === x.name && y.stage === x.stage)?.prediction ?? null,
  })),
  ...nominal.resources.map((r) => ({
    id: `utilization:${r.name}`,
    read: (s) => s.resources.find((y) => y.name === r.name)?.utilization ?? null,
    interval: (c) => c.resources.find((y) => y.name === r.name)?.utilization_prediction ?? null,
  })),
].filter((f) => !only || only.split(",").some((o) => f.id.startsWith(o)));

const combined = bySet.map((d) => P.combine(nominal, d, P.predictionInfo(m, nominal, d, 0, 0)));
const inside = (p, v) => p && typeof v === "number" && v >= p.low && v <= (p.unbounded ? Infinity : p.high);
// 95 % normal interval of the mean of the intervals' own coverages (the intervals are independent).
const meanCi = (xs) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  const half = (1.96 * sd) / Math.sqrt(xs.length);
  return [Math.max(0, mean - half), Math.min(1, mean + half)];
};
const pct = (x) => (100 * x).toFixed(1);
/** One figure's counts: new tests inside each interval, one paired new test per interval, the nominal. */
function coverage(f) {
  let hits = 0;
  let trials = 0;
  let nominalHits = 0;
  let pairHits = 0;
  const perSet = [];
  for (let s = 0; s < sets; s++) {
    const p = f.interval(combined[s]);
    if (!p) continue;
    if (inside(p, f.read(nominal))) nominalHits++;
    // One new test per interval, from the next set: independent trials for a plain binomial interval.
    if (inside(p, f.read(bySet[(s + 1) % sets][s % draws]))) pairHits++;
    const others = bySet.filter((_, o) => o !== s).flatMap((d) => d.map(f.read));
    const values = others.filter((v) => typeof v === "number");
    const inSet = values.filter((v) => inside(p, v)).length;
    hits += inSet;
    trials += values.length;
    perSet.push(inSet / values.length);
  }
  if (!perSet.length) return null;
  return {
    figure: f.id,
    nominal: f.read(nominal),
    coverage: hits / trials,
    coverage_ci: meanCi(perSet).map(pct).join(".."),
    pairs: `${pairHits}/${perSet.length}`,
    pairs_ci: wilson(pairHits, perSet.length).map(pct).join(".."),
    nominal_inside: `${nominalHits}/${perSet.length}`,
    nominal_ci: wilson(nominalHits, perSet.length).map(pct).join(".."),
  };
}
const rows = figures.map(coverage).filter(Boolean);
console.log(
  `${scenario} ${overrides.join(" ")}: ${sets} sets of ${draws} draws; coverage = share of the other sets' draws inside each set's interval`,
);
console.log("figure\tnominal\tcoverage % (95% CI)\tpaired new test (95% CI %)\tnominal inside (95% CI %)");
for (const r of rows)
  console.log(
    `${r.figure}\t${r.nominal?.toPrecision(4)}\t${pct(r.coverage)} (${r.coverage_ci})\t${r.pairs} (${r.pairs_ci})\t${r.nominal_inside} (${r.nominal_ci})`,
  );
