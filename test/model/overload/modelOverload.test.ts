import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mechanismsFor } from "../../../src/model/coderVersion.js";
import { loadModelText } from "../../../src/model/loadModel.js";
import type { ModelFile } from "../../../src/model/modelSchema.js";
import { buildRequestCatalog } from "../../../src/model/requestClasses.js";
import { bottleneckVerdict } from "../../../src/run/verdict.js";
import { runWarnings } from "../../../src/run/warnings.js";
import { modelWith, replicate, scenarioFrom } from "../featureHelpers.js";
import { agentsOnOneReplica } from "./agentsScenario.js";

const SCENARIO = (vcpu: number) => agentsOnOneReplica(vcpu);

function withoutOverload(): ModelFile {
  const model = modelWith();
  delete (model as { overload?: unknown }).overload;
  return model;
}

const CLIENT_FIGURES = ["client_timeouts", "client_retries", "client_gave_up", "client_answered"];
const others = (figures: Record<string, number>) =>
  Object.fromEntries(Object.entries(figures).filter(([k]) => !CLIENT_FIGURES.includes(k)));

let belowRun: ReturnType<typeof replicate> | undefined;
const below = () => {
  belowRun ??= replicate(SCENARIO(2));
  return belowRun;
};

describe("the default model's overload section", () => {
  it("changes nothing below saturation (2 vCPU, ~60 % busy): same figures, no timeouts", () => {
    const on = below();
    const off = replicate(SCENARIO(2), withoutOverload());
    expect(others(on.figures)).toEqual(off.figures);
    expect(on.figures.client_timeouts).toBe(0);
    expect(on.figures.client_answered).toBeGreaterThan(40_000);
  });

  it("past saturation (0.3 vCPU) fails calls at their deadlines, retries stats, and answers fewer", () => {
    const rateBelow = below().figures.client_answered! / below().simulatedSeconds;
    const on = replicate(SCENARIO(0.3));
    const off = replicate(SCENARIO(0.3), withoutOverload());
    const f = on.figures;
    expect(f.client_timeouts!).toBeGreaterThan(1000);
    expect(f.client_retries!).toBeGreaterThan(100); // agent stats retry until they succeed
    expect(f.client_gave_up!).toBeGreaterThan(1000); // metadata batches and dashboard calls
    // Answered calls per simulated second fall (the run is longer: prepare waits for slow builds)...
    expect(f.client_answered! / on.simulatedSeconds).toBeLessThan(0.5 * rateBelow);
    // ...and a fifth or more of the calls clients made end without an answer.
    expect(f.client_gave_up! / (f.client_gave_up! + f.client_answered!)).toBeGreaterThan(0.2);
    // The run says so.
    const warning = runWarnings(scenarioFrom(SCENARIO(0.3)).scenario, [on]).find(
      (w) => w.kind === "clients_timed_out",
    );
    expect(warning).toMatchObject({
      timeouts: f.client_timeouts,
      gave_up: f.client_gave_up,
      replications: 1,
    });
    // With the run's verdict, the warning names what saturated: the coderd replica's CPU.
    const scenario = scenarioFrom(SCENARIO(0.3)).scenario;
    const verdict = bottleneckVerdict(scenario, [on]);
    const named = runWarnings(scenario, [on], verdict).find((w) => w.kind === "clients_timed_out");
    expect(verdict.saturated.some((r) => /^coderd-\d+ cpu$/.test(r))).toBe(true);
    expect(named!.message).toMatch(/coderd-\d+ cpu[^:]* saturated and goodput fell/);
    expect(runWarnings(scenarioFrom(SCENARIO(2)).scenario, [below()]).map((w) => w.kind)).not.toContain(
      "clients_timed_out",
    );
    // Without timeouts the same deployment queues forever: its API p95 runs past the 60 s a proxy allows.
    expect(off.figures.api_latency_p95_exact_ms!).toBeGreaterThan(60_000);
    expect(f.api_latency_p95_exact_ms!).toBeLessThan(60_000);
  });
});

describe("a bad overload: entry", () => {
  it("is refused with its line and column, naming what is wrong", () => {
    const file = resolve(import.meta.dirname, "../../../models/bad-overload.yaml");
    const text = [
      "name: bad",
      "description: test",
      "extends: coder-v2.8",
      "overload:",
      "  agent_stats:",
      "    timeout_s: {value: 60, source: test}",
      "    retry_initial_s: {value: 0.1, source: test}",
      "  nonsense_class:",
      "    timeout_s: {value: 1, source: test}",
      "",
    ].join("\n");
    expect(() => loadModelText(text, file)).toThrow(
      /bad-overload\.yaml:6:5: overload\.agent_stats: retry_initial_s and retry_max_s go together[\s\S]*:8:3: overload\.nonsense_class: unknown key/,
    );
  });
});

describe("which calls get a client deadline, by agent transport", () => {
  it("HTTP agents' stats do; dRPC agents' stats ride the websocket and do not; metadata keeps its 30 s", () => {
    const model = modelWith();
    const http = buildRequestCatalog(model, mechanismsFor("2.8", model));
    const drpc = buildRequestCatalog(model, mechanismsFor("2.29.1", model));
    expect(http.statsRpc.client).toEqual({
      timeoutSeconds: 60,
      retry: { initialSeconds: 0.1, maxSeconds: 60, retries: Number.POSITIVE_INFINITY },
    });
    expect(drpc.statsRpc.client).toBeUndefined();
    expect(drpc.statsRpcWithSession.client).toBeUndefined();
    expect(http.metadataRpc.client).toEqual({ timeoutSeconds: 30 });
    expect(drpc.metadataRpc.client).toEqual({ timeoutSeconds: 30 });
    expect(http.agentReconnect.client?.retry).toMatchObject({ initialSeconds: 0.1, maxSeconds: 10 });
    expect(http.workspaceCreate.client).toBeUndefined();
    expect(http.statsInsert.client).toBeUndefined();
  });
});
