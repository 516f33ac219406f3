import type { ConfidenceInterval } from "../engine/stats/confidence.js";
import type { CaseResult, CheckVerdict, VerifyReport } from "./runVerify.js";

const VERDICT_TEXT: Record<CheckVerdict, string> = { pass: "PASS", marginal: "PASS*", fail: "FAIL" };

/** The human-readable report of `capsim verify`: one row per case, then the overall verdict. */
export function formatVerifyReport(report: VerifyReport): string {
  const header = [
    "case",
    "closed form",
    "wait sim (95% CI)",
    "wait exact",
    "response sim (95% CI)",
    "response exact",
    "",
  ];
  const rows = report.cases.map(caseRow);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const first = report.cases[0];
  const lines = [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    first
      ? `${first.customers} customers per replication (first ${first.warmup_customers} dropped as warm-up), ` +
        `${first.replications} replications, seed ${report.seed}; times in seconds, mean service 1 s.`
      : "no cases",
    ...(report.cases.some((c) => c.id.includes("-PS"))
      ? ["For PS queues the wait is response − work: the time lost to sharing the cores."]
      : []),
    summaryLine(report),
  ];
  return `${lines.join("\n")}\n`;
}

function caseRow(c: CaseResult): string[] {
  const [wait, response] = c.checks;
  return [
    c.id,
    c.formula,
    withCi(wait!.ci),
    fixed(wait!.analytic),
    withCi(response!.ci),
    fixed(response!.analytic),
    VERDICT_TEXT[c.verdict],
  ];
}

function withCi(ci: ConfidenceInterval): string {
  return `${fixed(ci.mean)} ± ${fixed(ci.halfWidth)}`;
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

function summaryLine(report: VerifyReport): string {
  const checks = report.cases.flatMap((c) => c.checks);
  const marginal = checks.filter((k) => k.verdict === "marginal").length;
  const failed = checks.filter((k) => k.verdict === "fail").length;
  const familyPct = `${(report.family_level * 100).toFixed(2)}%`;
  const verdict = report.verdict === "pass" ? "PASS" : "FAIL";
  let text = `verdict: ${verdict} — ${checks.length - marginal - failed} of ${checks.length} exact values inside the 95% CI`;
  if (marginal > 0) {
    text +=
      `; ${marginal} (PASS*) outside it but inside the ${familyPct} Bonferroni CI, ` +
      "which chance alone produces about once per 20 checks";
  }
  if (failed > 0) text += `; ${failed} outside even the ${familyPct} Bonferroni CI`;
  return `${text}.`;
}
