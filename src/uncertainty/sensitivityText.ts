import { formatNumber, textTable } from "../report/textSummary.js";
import type { SensitivityResult } from "./sensitivity.js";

const pct = (v: number): string => `${Math.round(v * 100)}%`;

/** The ranking `capsim sensitivity` prints on stdout. */
export function renderSensitivity(r: SensitivityResult, header: { scenario: string; model: string }): string {
  const range = (p: SensitivityResult["parameters"][number]) =>
    p.as === "factor" ? `x${p.low} .. x${p.high}` : `${p.low} .. ${p.high}`;
  const lines = [
    `capsim sensitivity: scenario ${header.scenario}, model ${header.model}; Morris screening, ` +
      `${r.trajectories} trajectories x ${r.parameters.length + 1} points = ${r.evaluations} one-replication runs ` +
      `(seed ${r.seed}, common random numbers), ${r.wall_seconds.toFixed(0)} s`,
    `metric ${r.metric} (${r.unit}): mu* is the mean |change| of the metric over a parameter's whole range, ` +
      "mu its signed mean, sigma its spread (non-linearity or interaction); verdict flips: share of a " +
      "parameter's steps after which the bottleneck resource changed.",
    "",
    textTable(
      ["rank", "parameter", "kind", "range", "mu*", "mu", "sigma", "verdict flips"],
      r.parameters.map((p, i) => [
        String(i + 1),
        p.path,
        p.kind,
        range(p),
        formatNumber(p.mu_star, 3),
        formatNumber(p.mu, 3),
        formatNumber(p.sigma, 3),
        pct(p.verdict_flip_share),
      ]),
    ),
    "",
    `bottleneck over all ${r.evaluations} points: ${r.bottlenecks.map((b) => `${b.resource} ${b.points}`).join(", ")}`,
  ];
  if (r.advice) {
    lines.push(
      `to narrow the prediction of ${r.metric} most, measure ${r.advice.path} ` +
        `(it moves the metric by ${formatNumber(r.advice.mu_star, 3)} ${r.unit} over its range)` +
        (r.advice.measure ? `: ${r.advice.measure}` : "; the model names no measurement for it"),
    );
  }
  return `${lines.join("\n")}\n`;
}
