import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runFile } from "./helpers.js";

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

const within = (a: number, b: number, rel: number, abs: number) => Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));

describe("operational laws hold on every resource of every shipped scenario", () => {
  const files = shippedScenarios();
  it("finds the shipped scenarios", () => {
    expect(files).toContain("scenarios/scaletest-2000.yaml");
    expect(files.length).toBeGreaterThanOrEqual(8);
  });
  for (const file of files) {
    it(file, () => {
      const { summary } = runFile(file, [], 1);
      expect(summary.resources.length).toBeGreaterThan(0);
      for (const r of summary.resources) {
        const label = `${file} ${r.name}`;
        // Little: N = X R.
        expect(within(r.mean_in_system, r.throughput_per_s * r.mean_response_s, 0.02, 1e-3), `${label} Little`).toBe(true);
        // Utilisation law: U - U_bg = X S / c.
        const jobs = r.utilization - r.background_utilization;
        expect(within(jobs, (r.throughput_per_s * r.mean_service_s) / r.servers, 0.02, 1e-3), `${label} utilisation`).toBe(
          true,
        );
      }
    });
  }
});
