import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../../src/model/loadScenarioAndModel.js";
import { estimateRun } from "../../../src/run/estimate.js";
import { repoRoot, runFile } from "../helpers.js";

/** Every shipped scenario, as a user would run it (one replication to keep the suite short). */
function shippedScenarios(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".yaml")) out.push(relative(repoRoot, join(dir, e.name)));
    }
  };
  walk(join(repoRoot, "scenarios"));
  return out.sort();
}

/** What-ifs built to show a saturated resource: work piles up, so the window's end holds a real remainder. */
const OVERLOADED = new Set([
  "scenarios/what-if/users-5000.yaml",
  // Metadata every 1 s on v2.8: saturates the database (and, under the favoured readings' model, coderd).
  "scenarios/what-if/metadata-1s.yaml",
  // Readings of the 2000-user test that saturate coderd (docs/model.md, Readings).
  "scenarios/readings/traffic-30pct.yaml",
  "scenarios/readings/stages-concurrent.yaml",
  // Held-out rows the default predicts saturated (docs/model.md, Held-out checks): the misses are the finding.
  "scenarios/heldout/scale-table-v2.2.1-1000-users.yaml",
  "scenarios/heldout/issue-9782-per-item-400.yaml",
]);

/** Scenarios too long for the suite as shipped, run shortened (the laws do not depend on the length). */
const SHORTENED: Record<string, string[]> = {
  "scenarios/week-3000.yaml": ["workload.week.days=1", "workload.users=600"],
};

const within = (a: number, b: number, rel: number, abs: number) =>
  Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));

/**
 * Scenarios dealt to `of` shards by their estimated events, longest first to the lightest shard, so the
 * test files take about as long as each other on vitest's workers; together the shards cover every scenario.
 */
function shards(files: string[], of: number): string[][] {
  const cost = (f: string) => {
    const { loaded, model } = loadScenarioAndModel(resolve(repoRoot, f), SHORTENED[f] ?? []);
    return estimateRun(loaded.scenario, model.model, 1).events;
  };
  const byCost = files.map((f) => ({ f, c: cost(f) })).sort((a, b) => b.c - a.c || a.f.localeCompare(b.f));
  const out = Array.from({ length: of }, () => ({ files: [] as string[], load: 0 }));
  for (const { f, c } of byCost) {
    const lightest = out.reduce((a, b) => (b.load < a.load ? b : a));
    lightest.files.push(f);
    lightest.load += c;
  }
  return out.map((s) => s.files.sort());
}

/** The laws on shard `shard` of `of` of the shipped scenarios (see `shards`). */
export function describeLaws(shard: number, of: number): void {
  describe(`operational laws hold on every resource of every shipped scenario (shard ${shard + 1}/${of})`, () => {
    const all = shippedScenarios();
    it("finds the shipped scenarios", () => {
      expect(all).toContain("scenarios/scaletest-2000.yaml");
      expect(all.length).toBeGreaterThanOrEqual(8);
    });
    const files = shards(all, of)[shard]!;
    for (const file of files) {
      it(file, () => {
        const { summary } = runFile(file, SHORTENED[file] ?? [], 1);
        expect(summary.resources.length).toBeGreaterThan(0);
        for (const r of summary.resources) {
          const label = `${file} ${r.name}`;
          // Little over the window: N = X R + (jobs still present at its end, over their time in it).
          const little = r.throughput_per_s * r.mean_response_s + r.residual_in_system;
          expect(within(r.mean_in_system, little, 0.02, 1e-3), `${label} Little`).toBe(true);
          // Utilisation law: U - U_bg = X S / c (+ the work of jobs still present).
          const jobs = r.utilization - r.background_utilization;
          const util = (r.throughput_per_s * r.mean_service_s) / r.servers + r.residual_utilization;
          expect(within(jobs, util, 0.02, 1e-3), `${label} utilisation`).toBe(true);
          // In steady state the remainder is negligible: the plain laws hold too.
          if (!OVERLOADED.has(file)) {
            expect(r.residual_in_system).toBeLessThanOrEqual(0.02 * Math.max(r.mean_in_system, 0.05));
            expect(r.residual_utilization).toBeLessThanOrEqual(0.02 * Math.max(jobs, 0.05));
          }
        }
      });
    }
  });
}
