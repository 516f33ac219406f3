import { formatError } from "../compare/compareText.js";
import { formatNumber, textTable } from "../report/textSummary.js";
import { KEPT_CHI2 } from "../uncertainty/ensemble.js";
import { renderFitRanges } from "../uncertainty/fitRangeText.js";
import type { CalibrateResult } from "./runCalibrate.js";
import type { EnsembleResult } from "./runEnsemble.js";

/** The human report of `capsim calibrate`: fitted values, the objective, every figure's error before and after. */
export function renderCalibrate(r: CalibrateResult): string {
  const out: string[] = [];
  out.push(
    `Fitted ${r.parameters.length} parameter(s) to ${r.figures} figure(s) in ${r.evaluations} evaluation(s) ` +
      `(${r.converged ? "converged" : "evaluation budget reached"}; ${r.replications} replication(s), seed ${r.seed}).`,
  );
  out.push(
    `Objective (sum of squared relative errors): ${fmtObjective(r.objectiveBefore)} -> ${fmtObjective(r.objectiveAfter)}`,
  );
  out.push("");
  out.push(
    textTable(
      ["parameter", "kind", "model", "fitted", "bounds"],
      r.parameters.map((p) => {
        const show = (v: number) => (p.kind === "scale" ? `×${formatNumber(v, 4)}` : formatNumber(v, 4));
        return [p.path, p.kind, show(p.original), show(p.fitted), `${show(p.lo)} .. ${show(p.hi)}`];
      }),
    ),
  );
  out.push("");
  out.push(
    "Relative error of each figure, (measured - simulated) / simulated, as capsim compare reports it:",
  );
  out.push(
    textTable(
      ["metric", "stage", "measured", "before", "after"],
      r.errors.map((e) => [
        e.metric,
        e.stage ?? "all",
        e.measured,
        e.before === null ? "not simulated" : formatError(e.before),
        e.after === null ? "not simulated" : formatError(e.after),
      ]),
    ),
  );
  out.push("");
  if (r.notFitted.length > 0) {
    out.push("Not fitted to (listed, never in the objective):");
    for (const f of r.notFitted) out.push(`  ${f.metric} (${f.stage ?? "all"}): ${f.reason}`);
    out.push("");
  }
  if (r.ranges) out.push(...renderFitRanges(r.ranges), "");
  out.push(`Wrote ${r.outFile} (model ${r.name}); use it with --set model=${r.outFile}`);
  return `${out.join("\n")}\n`;
}

const fmtObjective = (v: number): string => (Number.isFinite(v) ? v.toPrecision(4) : "inf");

/** The human report of `capsim calibrate --ensemble`: how many draws the measured test kept, and how many they count for. */
export function renderEnsemble(r: EnsembleResult): string {
  return (
    `Simulated ${r.priorDraws} draws of the model's uncertain parameters on the measured test and judged each on ` +
    `${r.figures} figure(s): best χ² ${formatNumber(r.bestChi2, 4)}; kept ${r.points} within ${KEPT_CHI2} of it, ` +
    `${formatNumber(r.effectivePoints, 3)} effective under their likelihood weights (${r.wallSeconds.toFixed(0)} s).\n` +
    `A resource saturated on the test in ${r.saturatedDraws} draw(s)${r.unsaturatedOnly ? ": not kept (--unsaturated)" : " (kept: no --unsaturated)"}.\n` +
    `Wrote ${r.outFile}: its prediction draws resample these points.\n`
  );
}
