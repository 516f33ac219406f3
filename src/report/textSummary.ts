import { renderCost } from "../cost/costText.js";
import type { RunSummary } from "../run/runScenario.js";
import { DAY_PROFILE_SLOT_S } from "../scenario/schema.js";
import { conditioningLine } from "../uncertainty/conditioningText.js";
import { predictionOffLine } from "../uncertainty/predictionOff.js";
import { predictionText } from "../uncertainty/saturatedDraws.js";
import { renderDatabaseCpu } from "./databaseCpuText.js";
import { usersUncertainty, usersUncertaintyNotes } from "./usersUncertainty.js";

/** Left-aligned text table; numbers are pre-formatted by the caller. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** The human report of `capsim run`: what a scale test measures, the resource table and the verdict. */
export function renderRunSummary(s: RunSummary): string {
  const out: string[] = [];
  out.push(
    `capsim ${s.capsim_version}  scenario ${s.scenario.name}  model ${s.model.name}  ` +
      `(metadata path ${s.coder_mechanisms.metadata_path}, agent API over ${s.coder_mechanisms.agent_transport})`,
  );
  out.push(
    `${s.replications} replication(s), seed ${s.seed}, ${formatNumber(s.simulated_seconds, 6)} simulated s each, ` +
      `${s.events.toLocaleString("en-US")} events in ${s.wall_seconds.toFixed(2)} s wall`,
  );
  out.push("");
  // Summaries without prediction draws (older ones, --prediction-draws 0) keep the four-column table.
  const predicted = s.metrics.some((m) => m.prediction);
  out.push(
    `Scale-test figures (mean over replications, 95% CI${predicted ? "; 90% prediction: where one test would land, parameter uncertainty included" : ""}):`,
  );
  out.push(
    textTable(
      ["metric", "stage", "unit", "mean", "95% CI", ...(predicted ? ["90% prediction"] : [])],
      s.metrics.map((m) => [
        m.name,
        m.stage ?? "all",
        m.unit,
        formatNumber(m.mean, 4),
        m.ci95 ? `${formatNumber(m.ci95[0], 4)} .. ${formatNumber(m.ci95[1], 4)}` : "-",
        ...(predicted
          ? [predictionText(m.prediction, s.prediction?.draws ?? 0, (v) => formatNumber(v, 3))]
          : []),
      ]),
    ),
  );
  if (s.prediction) out.push(predictionNote(s.prediction));
  if (s.prediction_off) out.push(predictionOffLine(s.prediction_off));
  out.push("");
  out.push("Resources over the traffic stages:");
  out.push(
    textTable(
      ["resource", "servers", "util", "background", "throughput/s", "service s", "response s", "in system"],
      s.resources.map((r) => [
        r.name,
        formatNumber(r.servers),
        pct(r.utilization),
        pct(r.background_utilization),
        formatNumber(r.throughput_per_s, 4),
        formatNumber(r.mean_service_s, 3),
        formatNumber(r.mean_response_s, 3),
        formatNumber(r.mean_in_system, 3),
      ]),
    ),
  );
  out.push(...renderDatabaseCpu(s.database_cpu_by_source));
  out.push("");
  out.push(...renderBottleneck(s.bottleneck, s.prediction?.draws));
  const busiest = busiestWindow(s);
  if (busiest) out.push("", busiest);
  // Summaries written before the cost existed have none.
  if (s.cost) out.push("", ...renderCost(s.cost));
  if (s.warnings.length > 0) {
    out.push("");
    out.push("Warnings:");
    for (const w of s.warnings) out.push(`  ${w.kind}: ${w.message}`);
  }
  return `${out.join("\n")}\n`;
}

/** The bottleneck verdict: per window, at the worst 5 minutes, saturation and its evidence. */
export function renderBottleneck(b: RunSummary["bottleneck"], draws?: number): string[] {
  if (b.resource === "none") return ["Bottleneck: none (no resource was used)."];
  // Summaries written before the window verdict have only the whole-window fields.
  if (!b.windows) {
    return [
      `Bottleneck: ${b.resource} at ${pct(b.utilization)} utilisation.`,
      `  reaches 80% at about ${b.users_at_80pct ?? "-"} users and 100% at about ${b.users_at_100pct ?? "-"} users (${b.method}).`,
    ];
  }
  const saturated = b.saturated.includes(b.resource);
  const out = [
    `Bottleneck: ${b.resource} ${saturated ? "SATURATED" : `at ${pct(b.utilization)}`} in ${b.window}` +
      ` (worst 5 minutes ${pct(b.utilization)}).`,
  ];
  const crossing = (label: string, c: RunSummary["bottleneck"]["first_80"]) =>
    c
      ? `  first to ${label}: ${c.resource} in ${c.window}, 5 minutes ending at ${formatNumber(c.at_s, 6)} s`
      : `  first to ${label}: none`;
  out.push(crossing("80%", b.first_80), crossing("100%", b.first_100));
  for (const t of b.near_ties)
    out.push(
      `  near-tie: ${t.resource} at ${pct(t.utilization)} in ${t.window} (${formatNumber(Math.abs(t.points_behind), 3)} points ${t.points_behind >= 0 ? "behind" : "ahead"})`,
    );
  const others = b.saturated.filter((r) => r !== b.resource);
  if (others.length > 0) out.push(`  also saturated: ${others.join(", ")}`);
  for (const e of b.evidence) out.push(`  evidence (${e.kind}): ${e.message}`);
  if (b.users_at_80pct === null) out.push(`  users at 80%/100%: ${b.method}.`);
  else
    out.push(
      `  reaches 80% at about ${b.users_at_80pct} users${usersUncertainty(b.users_at_80pct_ci95, b.users_at_80pct_prediction)} ` +
        `and 100% at about ${b.users_at_100pct} users${usersUncertainty(b.users_at_100pct_ci95, b.users_at_100pct_prediction)} (${b.method}).`,
      ...usersUncertaintyNotes(b, draws).map((n) => `  ${n}.`),
    );
  if (b.windows.length > 0) {
    out.push(
      "",
      "Utilisation per window, busiest first (mean / worst 5 minutes; ~ = not steady, ! = saturated):",
    );
    const cell = (r: RunSummary["bottleneck"]["windows"][number]["resources"][number] | undefined) =>
      r
        ? `${r.resource} ${pct(r.utilization)} / ${pct(r.worst_5m.utilization)}${r.steady ? "" : "~"}${r.saturated ? "!" : ""}`
        : "";
    out.push(
      textTable(
        ["window", "from s", "to s", "busiest", "next", "third"],
        b.windows.map((w) => {
          const top = [...w.resources].sort((x, y) => y.worst_5m.utilization - x.worst_5m.utilization);
          return [
            w.name,
            formatNumber(w.start_s, 6),
            formatNumber(w.end_s, 6),
            cell(top[0]),
            cell(top[1]),
            cell(top[2]),
          ];
        }),
      ),
    );
  }
  return out;
}

const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** `Thu 11:00` for seconds from Monday 00:00 (a day-profile run starts on a Monday). */
export function weekClock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const day = Math.floor(minutes / 1440);
  const hh = String(Math.floor((minutes % 1440) / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${DAY_NAMES[day % 7]}${day >= 7 ? ` (week ${Math.floor(day / 7) + 1})` : ""} ${hh}:${mm}`;
}

/** The busiest 15 minutes of a day-profile run, one line; undefined for other runs. */
export function busiestWindow(s: {
  metrics: readonly { name: string; mean: number | null }[];
  replications: number;
}): string | undefined {
  const value = (name: string) => s.metrics.find((m) => m.name === name)?.mean ?? null;
  const start = value("busiest_window_start_s");
  if (start === null) return undefined;
  const at = Math.floor(start / DAY_PROFILE_SLOT_S) * DAY_PROFILE_SLOT_S;
  const mean = s.replications > 1 ? " (means over replications)" : "";
  return (
    `Busiest 15 minutes${mean}: ${weekClock(at)}-${weekClock(at + DAY_PROFILE_SLOT_S).slice(-5)}: coderd (all replicas) ` +
    `${formatNumber(value("busiest_window_coderd_vcpu"))} vCPU, database ${formatNumber(value("busiest_window_database_vcpu"))} vCPU, ` +
    `${formatNumber(value("busiest_window_working_users"), 4)} users working, ` +
    `${formatNumber(value("busiest_window_sessions_active"), 4)} sessions active.`
  );
}

/** Under the figures: what the prediction rests on and whether the bottleneck verdict survives it. */
function predictionNote(p: NonNullable<RunSummary["prediction"]>): string {
  const others = p.bottleneck.alternatives.map((a) => `${a.resource} in ${a.draws}`).join(", ");
  const note =
    `  ${p.draws} draws over ${p.parameters.length} uncertain parameters (model uncertainty:, docs/uncertainty.md); ` +
    `the bottleneck is ${p.bottleneck.resource} in ${pct(p.bottleneck.agreement)} of them${others ? ` (${others})` : ""}.` +
    (conditioningLine(p.conditioning) ? `\n  Draws ${conditioningLine(p.conditioning)}` : "");
  const hot = p.saturated_draws;
  // Summaries written before saturated_draws existed have none to report.
  if (!hot || hot.draws === 0) return note;
  const which = hot.resources.map((r) => `${r.resource} in ${r.draws}`).join(", ");
  return (
    `${note}\n  ${hot.draws} of ${hot.of} draws saturate (${which}): past the limit a queue grows for as long as ` +
    "the test runs, so a time figure those draws drive has no upper bound; its row says so and gives the other draws' range."
  );
}
