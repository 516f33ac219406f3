import { type Assessment, describeCheck, fmt } from "./checks.js";
import { jsonHeader } from "./context.js";
import { earlyRejectNote } from "./earlyReject.js";
import { type LimitEvaluation, type LimitResult, uncertainChecks } from "./limit.js";
import type { SearchContext } from "./simulate.js";

function checksLine(ctx: SearchContext): string {
  const slos = ctx.checks.slos.map((s) => `${s.label} ${s.op} ${s.threshold}`);
  return [...slos, `utilisation <= ${ctx.checks.maxUtil} for every resource`].join("; ");
}

function verdict(a: Assessment): string {
  if (a.passes) return `holds; tightest: ${a.tightest ? describeCheck(a.tightest) : "-"}`;
  return `fails: ${a.failing.slice(0, 2).map(describeCheck).join("; ")}`;
}

/** " (rejected after 2 of 3 replications: clear failure)" for a value rejected early, else "". */
export function limitEarlyNote(e: LimitEvaluation, ctx: SearchContext): string {
  return earlyRejectNote(e.replications, ctx.replications);
}

/** The sentence on how sure the boundary is. */
export function confidenceNote(r: LimitResult): string {
  if (r.value === null || r.firstFailing === null) return "";
  if (r.confidence === "clear") {
    const decisive = r.limitedBy.find((c) => c.clear);
    return (
      `clear: at ${fmt(r.value)} every check holds across its 95% CI, and at ${fmt(r.firstFailing)} ` +
      `${decisive ? `${decisive.kind === "util" ? `utilisation of ${decisive.name}` : decisive.name} fails` : "it fails"} across its CI.`
    );
  }
  const uncertain = uncertainChecks(r.atValue, r.atFailing);
  if (uncertain.some((c) => c.ci === null)) {
    return "unknown: with one replication there is no CI; use --replications 2 or more to know how sure the boundary is.";
  }
  const names = [...new Set(uncertain.map((c) => c.name))];
  return (
    `within the CI: the 95% CI of ${names.join(", ")} straddles ${names.length > 1 ? "their thresholds" : "its threshold"} ` +
    "at the boundary, so the true limit may lie a little either side; more --replications narrow it."
  );
}

export function renderLimit(r: LimitResult, ctx: SearchContext): string {
  const lines: string[] = [];
  const scenario = ctx.base.scenario;
  lines.push(
    `capsim limit: ${r.path} for ${scenario.name} (model ${ctx.model.model.name}), ${ctx.replications} replications, seed ${ctx.seed}`,
  );
  lines.push(`checks: ${checksLine(ctx)}${ctx.checks.strict ? " (strict: the whole CI must hold)" : ""}`);
  if (r.link)
    lines.push(`note: ${r.link.path} follows ${r.link.follows} (${fmt(r.link.workspacesPerUser)} per user)`);
  lines.push("");
  switch (r.status) {
    case "none_holds":
      lines.push(`no value holds: even ${fmt(r.firstFailing!)} fails`);
      break;
    case "holds_up_to_max":
      lines.push(`no limit found: every check still holds at ${fmt(r.value!)} (the highest value tried)`);
      break;
    case "budget_exhausted":
      lines.push(
        `search stopped after ${r.evaluations.length} simulations: holds at ${r.value === null ? "-" : fmt(r.value)}, ` +
          `fails at ${r.firstFailing === null ? "-" : fmt(r.firstFailing)}`,
      );
      break;
    case "found":
      lines.push(`limit: ${r.path} = ${fmt(r.value!)}   (fails at ${fmt(r.firstFailing!)})`);
  }
  if (r.limitedBy.length > 0) {
    lines.push(`stopped by: ${describeCheck(r.limitedBy[0]!)}`);
    for (const c of r.limitedBy.slice(1, 4)) lines.push(`       also: ${describeCheck(c)}`);
  }
  if (r.atValue?.tightest)
    lines.push(`at ${fmt(r.value!)}: tightest is ${describeCheck(r.atValue.tightest)}`);
  const note = confidenceNote(r);
  if (note) lines.push(`confidence: ${note}`);
  lines.push("", `simulations (${r.evaluations.length}):`);
  for (const e of [...r.evaluations].sort((a, b) => a.value - b.value)) {
    lines.push(`  ${fmt(e.value).padStart(10)}  ${verdict(e.assessment)}${limitEarlyNote(e, ctx)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The `--json` document. */
export function limitJson(r: LimitResult, ctx: SearchContext): unknown {
  return {
    ...jsonHeader(ctx),
    parameter: r.path,
    integer: r.integer,
    status: r.status,
    value: r.value,
    first_failing: r.firstFailing,
    confidence: r.confidence,
    confidence_note: confidenceNote(r),
    limited_by: r.limitedBy,
    at_value: r.atValue,
    at_first_failing: r.atFailing,
    checks: {
      slos: ctx.checks.slos.map((s) => ({ metric: s.label, op: s.op, threshold: s.threshold })),
      max_util: ctx.checks.maxUtil,
      strict: ctx.checks.strict,
    },
    linked: r.link,
    evaluations: r.evaluations.map((e) => ({
      value: e.value,
      passes: e.assessment.passes,
      clear: e.assessment.clear,
      failing: e.assessment.failing,
      tightest: e.assessment.tightest ?? null,
      replications: e.replications,
      rejected_early: e.replications < ctx.replications,
    })),
  };
}
