// How well prediction draws reproduce a measured test: each cached draw's χ² against the measured figures (the
// fit's likelihood, 10 % relative error), its quantiles and the draws' effective number under exp(−χ²/2).
// `node bench/drawsChi2.mjs CACHE [measured.yaml]` after `npm run build`, CACHE from bench/predictionCoverage.js (its
// scenario read by name: a shipped scenario).
import { readFileSync } from "node:fs";
import { loadScenarioAndModel } from "../dist/cli/scenarioInput.js";
import { fitObjective } from "../dist/calibrate/objective.js";
import { fitTargets } from "../dist/calibrate/runCalibrate.js";
import { SIMULATED_METRICS } from "../dist/compare/compareFigures.js";
import { measuredFiguresOf } from "../dist/compare/measuredFigures.js";
import { effectivePoints, ensembleWeights } from "../dist/uncertainty/ensemble.js";
import { FIGURE_RELATIVE_SD } from "../dist/uncertainty/fitRange.js";

const [cache, measuredFile = "results/measured/scaletest-2000.yaml"] = process.argv.slice(2);
const draws = readFileSync(cache, "utf8").trim().split("\n").map((l) => JSON.parse(l).summary);
const { loaded } = loadScenarioAndModel(draws[0].scenario.name);
const measured = measuredFiguresOf({ measuredFiles: [measuredFile] }, SIMULATED_METRICS);
const { targets } = fitTargets(draws[0], measured, loaded, "judge");
const chi2 = draws.map((d) => fitObjective(d.metrics, targets) / FIGURE_RELATIVE_SD ** 2);
const sorted = [...chi2].sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
const saturated = draws.filter((d) => d.bottleneck.saturated.length > 0).length;
console.log(`${draws.length} draws judged on ${targets.length} figures: χ² min ${q(0)}, 25 % ${q(0.25)}, median ${q(0.5)}, 75 % ${q(0.75)}`);
console.log(`saturated a resource: ${saturated}; effective draws under exp(−χ²/2): ${effectivePoints(ensembleWeights(chi2.map((c) => ({ chi2: c })))).toFixed(1)}`);
