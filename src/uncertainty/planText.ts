import { fmt } from "../plan/checks.js";
import { conditioningLine } from "./conditioningText.js";
import type { CheckPrediction, DeploymentPrediction, PlanUncertainty } from "./planPrediction.js";

const what = (c: CheckPrediction) => (c.kind === "util" ? `utilisation of ${c.name}` : c.name);
const interval = (c: CheckPrediction) =>
  c.prediction ? `${fmt(c.prediction.low)}..${fmt(c.prediction.high)}` : "-";

/** The side-by-side table's cell: the deciding check's 90 % prediction, flagged when it crosses the limit. */
export function predictionCell(d: DeploymentPrediction | null | undefined): string {
  const c = d?.deciding;
  if (!c?.prediction) return "-";
  return `${interval(c)}${c.crosses ? " CROSSES" : ""}`;
}

/** Under the recommendation: how wide its prediction is, what crosses a limit, what the model leaves out. */
export function planUncertaintyLines(u: PlanUncertainty): string[] {
  const lines: string[] = [];
  const rec = u.recommended;
  if (u.draws === 0) {
    lines.push(
      u.parameters === 0
        ? "prediction: the model lists no uncertain parameters, so only simulation noise (the 95% CIs) is shown."
        : "prediction: off (--prediction-draws 0).",
    );
  } else if (rec?.deciding) {
    const c = rec.deciding;
    lines.push(
      `prediction (${u.level * 100}%, ${u.draws} draws over the model's ${u.parameters} uncertain parameters, docs/uncertainty.md): ` +
        `${what(c)} ${c.value === null ? "-" : fmt(c.value)}, 90% prediction ${interval(c)}, limit ${c.op} ${fmt(c.threshold)}.`,
    );
    for (const x of rec.crossing) {
      lines.push(
        `  CROSSES A LIMIT: ${what(x)} may reach ${interval(x)} against ${x.op} ${fmt(x.threshold)}; the recommendation ` +
          "holds at the model's values but not across its uncertainty (capsim sensitivity names what to measure).",
      );
    }
    if (rec.crossing.length === 0) lines.push("  every check holds across the interval.");
    const conditioned = conditioningLine(u.conditioning);
    if (conditioned) lines.push(`  The draws were ${conditioned}`);
  }
  if (u.leaves_out.length > 0) {
    lines.push("the model leaves out (no interval covers these):");
    for (const l of u.leaves_out) lines.push(`  - ${l.what}: ${l.effect}. Source: ${l.source}.`);
  }
  return lines;
}
