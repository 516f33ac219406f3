import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { InputError } from "../../src/errors.js";
import { templateAssignment } from "../../src/model/templates.js";
import { runScenario } from "../../src/run/runScenario.js";
import { loadScenarioText } from "../../src/scenario/index.js";
import { selectOne } from "../../src/series/select.js";

const ROOT = resolve(import.meta.dirname, "../..");
const HUNDRED = resolve(ROOT, "test/fixtures/cost/templates-100.yaml");
const SMALL = resolve(ROOT, "test/fixtures/sweep/small.yaml");

const metric = (summary: ReturnType<typeof runScenario>["summary"], name: string) =>
  summary.metrics.find((m) => m.name === name)?.mean ?? Number.NaN;

describe("scenario templates", () => {
  it("100 workspaces at once, build_s 240, 10 provisioners: ten waves of 240 s", () => {
    const { loaded, model } = loadScenarioAndModel(HUNDRED);
    expect(loaded.scenario.templates?.[0]?.build_s).toBe(240);
    const { summary, first } = runScenario(loaded, model);
    // FIFO waits are 0, 240, ..., 2160 s, ten jobs each: the p95 is the last wave's 2160 s.
    expect(metric(summary, "provisioner_queue_wait_p95_s")).toBeGreaterThan(2160 * 0.9);
    expect(metric(summary, "provisioner_queue_wait_p95_s")).toBeLessThan(2160 * 1.1);
    // The last wave is ready after 10 x 240 s plus request and agent-connect latency.
    const ready = metric(summary, "workspace_ready_p95_s");
    expect(ready).toBeGreaterThan(2400 * 0.9);
    expect(ready).toBeLessThan(2400 * 1.1);
    // Makespan: the last agent connects within 10 % of ceil(100/10) x 240 s.
    const agents = selectOne(first.metrics, "capsim_agents_connected")!;
    const lastConnect = agents.times[Array.from(agents.values).findIndex((n) => n >= 100)]!;
    expect(lastConnect).toBeGreaterThan(2400 * 0.9);
    expect(lastConnect).toBeLessThan(2400 * 1.1);
    const makespan = metric(summary, "workspace_build_makespan_s");
    if (!Number.isNaN(makespan)) {
      expect(makespan).toBeGreaterThan(2400 * 0.9);
      expect(makespan).toBeLessThan(2400 * 1.1);
    }
  });

  it("--set templates.0.build_s=300 changes the build, typed and validated like the file", () => {
    const { loaded, model } = loadScenarioAndModel(HUNDRED, ["templates.0.build_s=300"]);
    expect(loaded.scenario.templates?.[0]?.build_s).toBe(300);
    const wait = metric(runScenario(loaded, model).summary, "provisioner_queue_wait_p95_s");
    expect(wait).toBeGreaterThan(2700 * 0.9);
    expect(wait).toBeLessThan(2700 * 1.1);
    expect(() => loadScenarioAndModel(HUNDRED, ["templates.0.build_s=-5"])).toThrow(InputError);
  });

  it("accepts a distribution object for build_s and stop_s", () => {
    const { loaded } = loadScenarioAndModel(HUNDRED, [
      "templates.0.build_s={dist: uniform, min_s: 100, max_s: 200}",
      "templates.0.stop_s={dist: exponential, mean_s: 30}",
    ]);
    expect(loaded.scenario.templates?.[0]?.build_s).toEqual({ dist: "uniform", min: 100, max: 200 });
    expect(loaded.scenario.templates?.[0]?.stop_s).toEqual({ dist: "exponential", mean: 30 });
  });

  it("templates with the model's own durations reproduce the run without templates, bit for bit", () => {
    const { loaded, model } = loadScenarioAndModel(SMALL);
    const withTemplates = loadScenarioText(
      `${loaded.text}\ntemplates:\n  - name: same\n    build_s: {dist: lognormal, median_s: 45, p95_s: 120}\n` +
        "    stop_s: {dist: lognormal, median_s: 20, p95_s: 60}\n",
      loaded.file,
    );
    const plain = runScenario(loaded, model, { replications: 1 }).summary;
    const templated = runScenario(withTemplates, model, { replications: 1 }).summary;
    expect(templated.metrics).toEqual(plain.metrics);
    expect(templated.events).toBe(plain.events);
  });

  it("assigns workspaces by share, interleaved so every prefix keeps the mix", () => {
    const t = (name: string, share: number) => ({ name, share, build_s: 1 });
    const of = templateAssignment([t("a", 3), t("b", 1)], 400);
    const count = (upTo: number, which: number) => of.slice(0, upTo).filter((x) => x === which).length;
    expect(count(400, 0)).toBe(300);
    expect(count(400, 1)).toBe(100);
    for (const n of [4, 40, 120]) expect(count(n, 1)).toBe(n / 4);
  });
});
