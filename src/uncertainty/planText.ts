import { fmt } from "../plan/checks.js";
import { conditioningLine } from "./conditioningText.js";
import type { CheckPrediction, DeploymentPrediction, PlanUncertainty } from "./planPrediction.js";
import { predictionText } from "./saturatedDraws.js";

const what = (c: CheckPrediction) => (c.kind === "util" ? `utilisation of ${c.name}` : c.name);
const interval = (c: CheckPrediction, draws: number) => predictionText(c.prediction, draws, fmt);
// A saturation-driven interval says so in its own words (`saturates in k of n draws ...`).
const predicted = (c: CheckPrediction, draws: number) =>
  `${c.prediction?.saturated_top ? "" : "90% prediction "}${interval(c, draws)}`;
const limited = (c: CheckPrediction) => `${what(c)} ${value(c)} (limit ${c.op} ${fmt(c.threshold)})`;
const failing = (c: CheckPrediction) => `fails in ${c.failing_draws} of ${c.of} draws`;
const value = (c: CheckPrediction) => (c.value === null ? "-" : fmt(c.value));

/** The side-by-side table's cell: the deciding check's 90 % prediction, flagged when it crosses the limit. */
export function predictionCell(d: DeploymentPrediction | null | undefined, draws: number): string {
  const c = d?.deciding;
  if (!c?.prediction) return "-";
  return `${interval(c, draws)}${c.crosses ? " CROSSES" : ""}`;
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
        `the deciding check, ${limited(c)}: ${failing(c)}; ${predicted(c, u.draws)}.`,
    );
    lines.push(...saturationLines(rec), ...crossingLines(rec, u.draws));
    const conditioned = conditioningLine(u.conditioning);
    if (conditioned) lines.push(`  The draws were ${conditioned}`);
  }
  if (u.leaves_out.length > 0) {
    lines.push("the model leaves out (no interval covers these):");
    for (const l of u.leaves_out) lines.push(`  - ${l.what}: ${l.effect}. Source: ${l.source}.`);
  }
  return lines;
}

/** How many draws overloaded the deployment, and what that does to the intervals below. */
function saturationLines(d: DeploymentPrediction): string[] {
  const hot = d.saturated_draws;
  if (hot.draws === 0) return [];
  const which = hot.resources.map((r) => `${r.resource} in ${r.draws}`).join(", ");
  return [
    `  ${hot.draws} of ${hot.of} draws saturate (${which}): at those parameter values the deployment is overloaded, ` +
      "so a latency they drive has no upper bound and a utilisation they drive sits at 1; such a check shows the other draws' range.",
  ];
}

/** Every check whose interval reaches past its limit, one a line. */
function crossingLines(d: DeploymentPrediction, draws: number): string[] {
  if (d.crossing.length === 0) return ["  every check holds across the interval."];
  return [
    `  CROSSES A LIMIT: ${d.crossing.length === 1 ? "1 check holds" : `${d.crossing.length} checks hold`} ` +
      "at the model's values but not across its uncertainty (capsim sensitivity names what to measure):",
    ...d.crossing.map((x) => `    ${limited(x)}: ${failing(x)}; ${predicted(x, draws)}`),
  ];
}
