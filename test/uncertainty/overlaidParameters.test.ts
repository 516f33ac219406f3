import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/loadModel.js";
import { modelAtPoint, uncertainModel } from "../../src/uncertainty/parameters.js";
import { CAPSIM_MAIN } from "../helpers/cli.js";

/**
 * A parameter an overlay sets (a measured cost) is merged again, times its scale, whenever its model loads:
 * a prediction draw or a sensitivity point must move it all the same (it once stayed put, silently).
 */
const ROOT = resolve(import.meta.dirname, "../..");
const base = loadModel(join(ROOT, "models/coder-v2.8.yaml"));
const m = uncertainModel(base);
const names = m.parameters.map((p) => p.entry.path);

/** The value of `path` in the model with `at` set to the given positions in their ranges, every other at 0.5. */
function valueAt(path: string, at: Record<string, number>): number {
  for (const name of Object.keys(at)) expect(names).toContain(name);
  const unit = names.map((n) => at[n] ?? 0.5);
  const model = modelAtPoint(m, unit).model as unknown as Record<string, Record<string, { value: number }>>;
  const [section, param] = path.split(".") as [string, string];
  return model[section]![param]!.value;
}

const rangeOf = (path: string) => m.parameters.find((p) => p.entry.path === path)!.entry;

describe("uncertain measured costs set by overlays", () => {
  it.each([
    "database.connection_setup_cpu_s",
    "database.connection_cold_cache_cpu_s",
    "data_volume.deployment_stats_cpu_s_per_row",
    "data_volume.daus_cpu_s_per_row",
  ])("%s moves across its own range", (path) => {
    expect(base.overlaid?.has(path)).toBe(true);
    const { low, high } = rangeOf(path);
    const lo = valueAt(path, { [path]: 0 });
    const hi = valueAt(path, { [path]: 1 });
    expect(hi / lo).toBeCloseTo(high / low, 4);
  });

  it("and with measured_cost_scale under it: the two factors multiply", () => {
    const path = "data_volume.daus_cpu_s_per_row";
    const k = rangeOf("database.measured_cost_scale");
    const own = rangeOf(path);
    const corner = (u: number, v: number) => valueAt(path, { "database.measured_cost_scale": u, [path]: v });
    expect(corner(1, 1) / corner(0, 0)).toBeCloseTo((k.high / k.low) * (own.high / own.low), 4);
    expect(corner(1, 0) / corner(0, 0)).toBeCloseTo(k.high / k.low, 4);
  });

  it("one drawn measured cost leaves the others as they were", () => {
    const moved = { "database.connection_setup_cpu_s": 1 };
    for (const other of [
      "database.connection_cold_cache_cpu_s",
      "data_volume.deployment_stats_cpu_s_per_row",
    ]) {
      expect(valueAt(other, moved)).toBe(valueAt(other, {}));
    }
    expect(valueAt("database.connection_setup_cpu_s", moved)).toBeGreaterThan(
      valueAt("database.connection_setup_cpu_s", {}),
    );
  });
});

describe("capsim calibrate --fit of a parameter an overlay sets", () => {
  it("is refused (exit 2): the overlay would overwrite every fitted value", () => {
    const r = spawnSync(
      process.execPath,
      [
        CAPSIM_MAIN,
        "calibrate",
        join(ROOT, "test/fixtures/report/small-run.yaml"),
        join(ROOT, "results/measured/scaletest-2000.yaml"),
        "--fit",
        "data_volume.daus_cpu_s_per_row",
        "--max-evals",
        "1",
        "--no-progress",
        "--out",
        join(ROOT, "results/never-written.yaml"),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--fit: data_volume\.daus_cpu_s_per_row: an overlay of the model sets this measured cost/,
    );
  });
});
