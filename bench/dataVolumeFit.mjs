// Fits the cost laws of the statements that grow with the stored agent stats (docs/model.md, "Statements
// that grow with the data") to the measure-db results named on the command line, or to the 2026-12-07 set
// (results/measure-db/data-volume-2026-12-07/, made by results/measure-db/data-volume-2026-12-07.sh):
//   npm run build && node bench/dataVolumeFit.mjs [results/measure-db/<file>.yaml ...]
// Each file's n is the rows its statement read: GetDeploymentWorkspaceAgentStats the rows of its 15-min
// window (agents x 30: a row per agent every 30 s), GetDeploymentDAUs every workspace_agent_stats row.
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { fitCostLaw } from "../dist/model/costLawFit.js";

const DIR = "results/measure-db/data-volume-2026-12-07";
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(DIR)
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => `${DIR}/${f}`);

const STATEMENTS = {
  deployment_agent_stats: (v) => v.workspace_agents / 2 * 30, // one running agent per workspace
  insights_deployment_daus: (v) => v.workspace_agent_stats,
};

const points = { deployment_agent_stats: [], insights_deployment_daus: [] };
for (const file of files) {
  const doc = parse(readFileSync(file, "utf8"));
  const v = doc.measured_with.data_volume;
  for (const [id, rowsOf] of Object.entries(STATEMENTS)) {
    const st = doc.statements?.[id];
    if (!st) continue;
    points[id].push({ file, n: rowsOf(v), y: st.cpu_s_per_execution.value, ci: st.cpu_s_per_execution.ci95 });
  }
}

for (const [id, pts] of Object.entries(points)) {
  if (pts.length === 0) continue;
  pts.sort((a, b) => a.n - b.n);
  console.log(`${id}: ${pts.length} points`);
  for (const p of pts) {
    const us = (1e6 * p.y) / p.n;
    console.log(`  n=${p.n}  cpu ${p.y} s [${p.ci.join(", ")}]  ${us.toFixed(3)} us/row  (${p.file})`);
  }
  for (const law of ["linear", "n_ln_n"]) {
    const fit = fitCostLaw(pts, law);
    const res = fit.relativeResiduals.map((r) => `${(100 * r).toFixed(1)}%`).join(" ");
    console.log(`  ${law}: c = ${fit.coefficient.toPrecision(4)} s, rms ${(100 * fit.rmsRelative).toFixed(1)} %, residuals ${res}`);
  }
}
