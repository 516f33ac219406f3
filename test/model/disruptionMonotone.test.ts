import { describe, expect, it } from "vitest";
import { loadModel, resolveModelPath } from "../../src/model/loadModel.js";
import type { RunOutput } from "../../src/run/runScenario.js";
import { metric, summarize } from "./featureHelpers.js";

// A bigger disruption never reads as a smaller one: sweep its size, every figure is non-decreasing.

/** 150 agents on `replicas` replicas; SSH and dashboard traffic from 600 s to 1500 s. */
const scenario = (version: string, replicas: number, events: string) => `
name: disruption-monotone
model: coder-v2.8
deployment:
  coder_version: "${version}"
  coderd: {replicas: ${replicas}, vcpu: 4, memory_gb: 16}
  provisioners: {count: 30, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: 150
  builds: {create_concurrency: 50, cleanup_concurrency: 50}
events: ${events}
stages:
  - {name: prepare, start_s: 0, duration_s: 600}
  - {name: ssh, start_s: 600, duration_s: 900, target_pct: 40}
  - {name: dashboard, start_s: 600, duration_s: 900, target_pct: 20}
replications: 1
`;

/** The scenarios' scrape interval (the schema's default 15 s; they do not set it). */
const SCRAPE_INTERVAL_S = 15;

const FIGURES = [
  "disruption_failed_requests",
  "disruption_reconnects",
  "disruption_delayed_requests",
  "disruption_recovery_s",
  "disruption_latency_p95_peak_ms",
] as const;

/** Each figure summed over the run's events (the peak p95 and recovery: their maximum). */
function figures(out: RunOutput, labels: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of FIGURES) {
    const values = labels.map((l) => metric(out, `${name}{event="${l}"}`));
    const worst = name === "disruption_recovery_s" || name === "disruption_latency_p95_peak_ms";
    result[name] = worst ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
  }
  return result;
}

/** The longest client timeout of the default model's `overload:` (a request held longer fails instead). */
function longestTimeoutSeconds(): number {
  const { model } = loadModel(resolveModelPath("coder-v2.8"));
  return Math.max(...Object.values(model.overload ?? {}).map((c) => c.timeout_s.value));
}

function expectMonotone(
  sizes: readonly number[],
  rows: readonly Record<string, number>[],
  names: readonly string[] = FIGURES,
  tolerance: Readonly<Record<string, number>> = {},
): void {
  for (const name of names) {
    const column = rows.map((r) => r[name]!);
    const slack = 1 - (tolerance[name] ?? 0);
    // Recovery ends at a whole scrape interval: one interval's difference is below its resolution.
    const resolution = name === "disruption_recovery_s" ? SCRAPE_INTERVAL_S : 0;
    for (const v of column) expect(Number.isFinite(v), `${name} ${column.join(", ")}`).toBe(true);
    for (let i = 1; i < column.length; i++) {
      expect(
        column[i]!,
        `${name} over sizes ${sizes.join(", ")}: ${column.join(", ")} decreases`,
      ).toBeGreaterThanOrEqual(column[i - 1]! * slack - resolution);
    }
  }
}

/**
 * Losing replicas of 4 at this load leaves the survivors lightly loaded, so the peak p95 stays at the
 * undisrupted level and varies only by sampling: 86-97 ms over 1-3 lost replicas at 4 and 2 vCPU per
 * replica (measured 2026-12-07 under k_meta 57.85), 76.5-91.6 ms under the 2 vCPU default (k_meta 8.3,
 * same day). A bigger loss may read up to that spread (17 %) lower; beyond it, it fails.
 */
const PEAK_P95_NOISE = { disruption_latency_p95_peak_ms: 0.2 };

describe("disruption figures grow with the disruption", () => {
  // At 900 s, a scrape time: a 45 s or 90 s pause ends on a scrape too (the case that read as no disruption).
  const pauses = [5, 20, 45, 90];

  it.each(["2.8", "2.10"])(
    "a longer database failover pause (Coder %s) is never a smaller disruption",
    (version) => {
      const timedOut: boolean[] = [];
      const rows = pauses.map((p) => {
        const out = summarize(scenario(version, 2, `[{kind: database_failover, at_s: 900, pause_s: ${p}}]`));
        const row = figures(out, ["database_failover@900s"]);
        timedOut.push(out.summary.warnings.some((w) => w.kind === "clients_timed_out"));
        // Recovery is declared only once the database is back and requests complete again.
        expect(row.disruption_recovery_s).toBeGreaterThan(p);
        return row;
      });
      // Past the clients' timeouts (overload: in the model) a held call fails instead of waiting, so the
      // peak p95 of the answered requests need not follow the pause there; every other figure still grows.
      const timeout = longestTimeoutSeconds();
      const held = pauses.filter((p) => p < timeout).length;
      expectMonotone(pauses.slice(0, held), rows.slice(0, held));
      expectMonotone(
        pauses,
        rows,
        FIGURES.filter((n) => n !== "disruption_latency_p95_peak_ms"),
      );
      // Requests held through a pause shorter than the timeouts take about its length: the peak p95 follows it.
      expect(rows[held - 1]!.disruption_latency_p95_peak_ms).toBeGreaterThan(0.8 * pauses[held - 1]! * 1000);
      // The longest pause outlasts the timeouts: clients gave up.
      expect(timedOut[held]).toBe(true);
      expect(rows[1]!.disruption_delayed_requests).toBeGreaterThan(0);
    },
  );

  it("losing more of 4 replicas at once is never a smaller disruption", () => {
    const counts = [1, 2, 3];
    const rows = counts.map((k) => {
      const times = Array.from({ length: k }, (_, j) => 902.5 + j / 10);
      const events = times.map((t, j) => `{kind: replica_loss, at_s: ${t}, replica: ${3 - j}}`).join(", ");
      return figures(
        summarize(scenario("2.10", 4, `[${events}]`)),
        times.map((t) => `replica_loss@${t}s`),
      );
    });
    expectMonotone(counts, rows, FIGURES, PEAK_P95_NOISE);
    expect(rows[2]!.disruption_reconnects).toBeGreaterThan(rows[0]!.disruption_reconnects! * 2);
  });
});
