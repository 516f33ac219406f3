import { predictionOffLine } from "../../../uncertainty/predictionOff.js";
import { predictionText } from "../../../uncertainty/saturatedDraws.js";
import { busiestWindow, formatNumber } from "../../textSummary.js";
import { usersUncertainty, usersUncertaintyNotes } from "../../usersUncertainty.js";
import { escapeHtml } from "../escape.js";
import { legendHtml } from "../figure.js";
import { htmlPage } from "../page.js";
import { htmlTable, num } from "../table.js";
import type { ConfigRow, RunReportData, RunSummaryData } from "./runData.js";
import { stageLegend } from "./stageBands.js";
import { timeseriesChartHtml, timeseriesChartSpecs } from "./timeseriesCharts.js";
import { utilizationChartHtml } from "./utilizationChart.js";

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

/** The users at 80 % and 100 % with their intervals, the method, and why an interval is missing. */
function sizingHtml(b: RunSummaryData["bottleneck"], draws: number | undefined): string {
  const method = b.method ? ` <span class="note">(${escapeHtml(b.method)})</span>` : "";
  if (b.users_at_80pct === null) return `${method}.`;
  const users = (n: number | null, ci: typeof b.users_at_80pct_ci95, p: typeof b.users_at_80pct_prediction) =>
    `${escapeHtml(formatNumber(n, 6))} users${escapeHtml(usersUncertainty(ci, p))}`;
  const notes = usersUncertaintyNotes(
    { users_ci95_note: b.users_ci95_note ?? null, users_at_80pct_prediction: b.users_at_80pct_prediction },
    draws,
  );
  return (
    ` It would reach 80 % at about ${users(b.users_at_80pct, b.users_at_80pct_ci95, b.users_at_80pct_prediction)}` +
    ` and 100 % at about ${users(b.users_at_100pct, b.users_at_100pct_ci95, b.users_at_100pct_prediction)}${method}.` +
    notes.map((n) => ` <span class="note">${escapeHtml(n)}.</span>`).join("")
  );
}

/** The run report: verdict, time series by stage, utilisation, figures, and what ran. */
export function renderRunReport(data: RunReportData): string {
  const s = data.summary;
  const b = s.bottleneck;
  const verdict =
    b.resource === "none"
      ? `<div class="callout">No resource was busy during the traffic stages.</div>`
      : `<div class="callout${b.utilization >= 0.8 ? " fail" : ""}"><strong>Bottleneck: ${escapeHtml(b.resource)}</strong>${b.saturated?.includes(b.resource) ? " <strong>saturated</strong>" : ""} at ${escapeHtml(pct(b.utilization))} utilisation${b.window ? ` (worst 5 minutes, in ${escapeHtml(b.window)})` : ""}.` +
        sizingHtml(b, s.prediction?.draws) +
        `</div>`;
  const busiest = busiestWindow(s);
  const charts = timeseriesChartSpecs(data.timeseries, s)
    .map((spec) => timeseriesChartHtml(data.timeseries, s, spec))
    .filter((h) => h !== "");
  const scrape =
    data.timeseries.timeSeconds.length > 1
      ? data.timeseries.timeSeconds[1]! - data.timeseries.timeSeconds[0]!
      : 0;
  const predicted = s.metrics.some((m) => m.prediction);
  const body = [
    verdict,
    ...(busiest ? [`<div class="callout">${escapeHtml(busiest)}</div>`] : []),
    `<h2 id="timeseries">Time series</h2>`,
    `<p class="note">Replication 1 of ${escapeHtml(String(s.replications))}, one point per simulated scrape` +
      (scrape > 0 ? ` (every ${escapeHtml(formatNumber(scrape))} s)` : "") +
      `. Shaded bands are the scenario's stages; hover a chart for values.</p>`,
    legendHtml(stageLegend(s.stages)),
    ...charts,
    `<h2 id="utilization-section">Resources</h2>`,
    utilizationChartHtml(s),
    htmlTable(
      [
        "resource",
        "kind",
        "servers",
        "utilisation",
        "background",
        "throughput/s",
        "service s",
        "response s",
        "in system",
      ],
      s.resources.map((r) => [
        r.name,
        r.kind,
        num(formatNumber(r.servers)),
        num(pct(r.utilization)),
        num(pct(r.background_utilization)),
        num(formatNumber(r.throughput_per_s, 4)),
        num(formatNumber(r.mean_service_s)),
        num(formatNumber(r.mean_response_s)),
        num(formatNumber(r.mean_in_system)),
      ]),
    ),
    ...costSection(s),
    `<h2 id="figures">Scale-test figures</h2>`,
    htmlTable(
      ["metric", "stage", "unit", "mean", "95 % CI", ...(predicted ? ["90 % prediction"] : [])],
      s.metrics.map((m) => [
        m.name,
        m.stage ?? "all",
        m.unit,
        num(formatNumber(m.mean, 4)),
        num(m.ci95 ? `${formatNumber(m.ci95[0], 4)} .. ${formatNumber(m.ci95[1], 4)}` : "-"),
        ...(predicted
          ? [num(predictionText(m.prediction, s.prediction?.draws ?? 0, (v) => formatNumber(v, 3)))]
          : []),
      ]),
      `Mean over ${s.replications} replication(s) with Student-t 95 % confidence intervals` +
        (predicted
          ? "; the 90 % prediction is where one test would land with the model's parameter uncertainty (docs/uncertainty.md)."
          : "."),
    ),
    ...(s.prediction_off
      ? [`<p class="note">${escapeHtml(predictionOffLine(s.prediction_off).trim())}</p>`]
      : []),
    `<h2 id="run">What ran</h2>`,
    htmlTable(
      ["", ""],
      [
        ["scenario", s.scenario.name],
        ["scenario file", s.scenario.file],
        ["scenario sha256", s.scenario.sha256],
        ["model", s.model.name],
        ["model file", s.model.file],
        ["model sha256", s.model.sha256],
        ...(s.coder_mechanisms
          ? [
              ["metadata path", s.coder_mechanisms.metadata_path],
              ["agent API transport", s.coder_mechanisms.agent_transport],
            ]
          : []),
        ["seed", String(s.seed)],
        ["replications", String(s.replications)],
        ["simulated seconds", formatNumber(s.simulated_seconds, 6)],
        ...(s.events !== undefined ? [["events", s.events.toLocaleString("en-US")]] : []),
        ["capsim", s.capsim_version],
      ],
    ),
    configSection("scenario-table", "Scenario parameters", data.scenarioRows, data.scenarioNote, true),
    configSection("model-table", "Model parameters", data.modelRows, data.modelNote, false),
  ];
  return htmlPage({
    title: `capsim run report: ${s.scenario.name}`,
    subtitle: `model ${s.model.name} · seed ${s.seed} · ${s.replications} replication(s) · ${formatNumber(s.simulated_seconds / 60, 4)} simulated minutes · from ${data.source}`,
    body: body.join("\n"),
  });
}

function configSection(
  id: string,
  title: string,
  rows: ConfigRow[] | undefined,
  note: string | undefined,
  open: boolean,
): string {
  if (!rows)
    return `<div id="${id}"><h3>${escapeHtml(title)}</h3><p class="note">${escapeHtml(note ?? "Not available.")}</p></div>`;
  const withSource = rows.some((r) => r.source !== undefined);
  const table = htmlTable(
    withSource ? ["parameter", "value", "source"] : ["parameter", "value"],
    rows.map((r) =>
      withSource
        ? [r.path, { text: r.value, className: "wrap" }, { text: r.source ?? "", className: "wrap" }]
        : [r.path, { text: r.value, className: "wrap" }],
    ),
  );
  return `<details id="${id}"${open ? " open" : ""}><summary>${escapeHtml(title)} (${rows.length})</summary>${table}</details>`;
}

/** What the deployment costs per month at the simulated load: per component, the total, and what it assumes. */
function costSection(s: RunSummaryData): string[] {
  const c = s.cost;
  if (!c) return [];
  const money = (x: number) =>
    x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return [
    `<h2 id="cost">Cost per month</h2>`,
    htmlTable(
      ["component", `${c.currency} per month`],
      [
        ...Object.entries(c.per_month.components).map(([name, v]) => [name, num(money(v))]),
        ["total", num(money(c.per_month.total))],
      ],
      "List prices at the simulated load (src/cost); the assumptions follow.",
    ),
    // The report is self-contained and links nowhere: price sources are shown without their scheme.
    `<ul class="note">${c.assumptions.map((a) => `<li>${escapeHtml(a.replace(/\b(?:https?|ftp|wss?):\/\//gi, ""))}</li>`).join("")}</ul>`,
  ];
}
