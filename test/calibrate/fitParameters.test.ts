import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyParameters,
  resolveFitParameters,
  scaleDistribution,
} from "../../src/calibrate/fitParameters.js";
import { parseFitSpec } from "../../src/calibrate/fitSpec.js";
import { modelDocumentText, parseModelDocument } from "../../src/calibrate/modelDocument.js";
import { loadModelText } from "../../src/model/loadModel.js";

// A frozen copy, so calibrating the shipped model never changes what these tests see.
const MODEL_FILE = resolve(import.meta.dirname, "../model/fixtures/frozen-coder-v2.8.yaml");
const doc = parseModelDocument(readFileSync(MODEL_FILE, "utf8"), MODEL_FILE);
const raw = doc.toJS() as {
  coderd: { connection_cpu_vcpu: { value: number }; agent_rpc_cpu_s: { value: Record<string, number> } };
};
const resolveFits = (...specs: string[]) =>
  resolveFitParameters(doc.toJS(), specs.map(parseFitSpec), MODEL_FILE);

describe("--fit specs", () => {
  it("parses paths and lo..hi bounds, refusing malformed ones as bad input", () => {
    expect(parseFitSpec("coderd.connection_cpu_vcpu")).toEqual({ path: "coderd.connection_cpu_vcpu" });
    expect(parseFitSpec("coderd.agent_rpc_cpu_s=0.5..2")).toEqual({
      path: "coderd.agent_rpc_cpu_s",
      bounds: [0.5, 2],
    });
    expect(parseFitSpec("a.b=1e-4..2e-3").bounds).toEqual([1e-4, 2e-3]);
    expect(() => parseFitSpec("coderd.x=2..1")).toThrow(/lo must be below hi/);
    expect(() => parseFitSpec("coderd.x=1..")).toThrow(/bounds must be lo..hi/);
    expect(() => parseFitSpec("coderd..x")).toThrow(/dotted model path/);
  });
});

describe("resolving --fit against the model", () => {
  it("fits a scalar's value within value/4..value*4 by default, in log space", () => {
    const [p] = resolveFits("coderd.connection_cpu_vcpu");
    const v = raw.coderd.connection_cpu_vcpu.value;
    expect(p).toMatchObject({
      kind: "scalar",
      original: v,
      start: v,
      logSpace: true,
      paramPath: ["coderd", "connection_cpu_vcpu"],
    });
    expect(p!.lo).toBeCloseTo(v / 4, 15);
    expect(p!.hi).toBeCloseTo(v * 4, 15);
  });

  it("fits a whole distribution by a scale factor, and one key when named (bare or with its unit suffix)", () => {
    const [scale, key, keyWithSuffix] = resolveFits(
      "coderd.agent_rpc_cpu_s=0.5..2",
      "coderd.api_request_cpu_s.p95",
      "database.read_query_cpu_s.median_s",
    );
    expect(scale).toMatchObject({
      kind: "scale",
      original: 1,
      lo: 0.5,
      hi: 2,
      path: "coderd.agent_rpc_cpu_s",
    });
    expect(key).toMatchObject({ kind: "key", key: "p95_s", path: "coderd.api_request_cpu_s.p95_s" });
    expect(keyWithSuffix).toMatchObject({ kind: "key", key: "median_s" });
  });

  it("clamps the start into explicit bounds", () => {
    const [p] = resolveFits("coderd.connection_cpu_vcpu=0.002..0.004");
    expect(p!.start).toBe(0.002);
  });

  it("reports every bad path at once, with what exists there", () => {
    expect(() =>
      resolveFits(
        "coderd.nope",
        "coderd",
        "versions.agent_drpc_api",
        "coderd.agent_rpc_cpu_s.p99",
        "name",
        "coderd.connection_cpu_vcpu.x",
      ),
    ).toThrow(
      new RegExp(
        [
          "--fit: coderd.nope: coderd has no nope in .*; it has agent_rpc_cpu_s, ",
          "--fit: coderd: is a group: name one of its parameters \\(agent_rpc_cpu_s, ",
          '--fit: versions.agent_drpc_api: is "2.10.0", not a number or a distribution',
          "--fit: coderd.agent_rpc_cpu_s.p99: lognormal at coderd.agent_rpc_cpu_s has no number p99; it has median_s, p95_s",
          "--fit: name: is not a parameter",
          "--fit: coderd.connection_cpu_vcpu.x: coderd.connection_cpu_vcpu is not a distribution",
        ].join("[^]*"),
      ),
    );
    expect(() => resolveFits("coderd.connection_cpu_vcpu", "coderd.connection_cpu_vcpu=1e-4..1e-2")).toThrow(
      /given twice/,
    );
  });

  it("asks for bounds when the value is zero, and refuses non-positive scale factors", () => {
    expect(() =>
      resolveFitParameters({ g: { p: { value: 0, source: "s" } } }, [{ path: "g.p" }], "m.yaml"),
    ).toThrow(/the model's value is 0; give bounds: --fit g.p=lo..hi/);
    expect(() => resolveFits("coderd.agent_rpc_cpu_s=0..2")).toThrow(/scale factor must be positive/);
  });
});

describe("applying fitted values", () => {
  it("scales location and scale keys, keeps shape keys, shifts mu by ln(factor)", () => {
    expect(scaleDistribution({ dist: "lognormal", median_s: 0.002, p95_s: 0.04 }, 1.5)).toEqual({
      median_s: 0.003,
      p95_s: 0.06,
    });
    expect(scaleDistribution({ dist: "lognormal", mu: -6, sigma: 0.5 }, Math.E)).toEqual({ mu: -5 });
    expect(scaleDistribution({ dist: "gamma", shape: 2, scale: 0.01 }, 2)).toEqual({ scale: 0.02 });
    expect(scaleDistribution({ dist: "lognormal", mean_ms: 4, cv: 1.2 }, 0.5)).toEqual({ mean_ms: 2 });
    expect(
      scaleDistribution(
        {
          dist: "empirical",
          buckets: [
            { le: 0.1, count: 1 },
            { le: Number.POSITIVE_INFINITY, count: 2 },
          ],
        },
        2,
      ),
    ).toEqual({
      buckets: [
        { le: 0.2, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 2 },
      ],
    });
  });

  it("writes a model that loads, with comments kept and values rounded to 4 significant digits", () => {
    const params = resolveFits(
      "coderd.connection_cpu_vcpu",
      "coderd.agent_rpc_cpu_s",
      "database.write_query_cpu_s.p95",
    );
    const text = modelDocumentText(applyParameters(doc, params, [0.00123456, 1.5, 0.0071234]));
    const { model } = loadModelText(text, "fitted.yaml");
    expect(model.coderd.connection_cpu_vcpu.value).toBe(0.001235);
    const rpc = raw.coderd.agent_rpc_cpu_s.value;
    expect(model.coderd.agent_rpc_cpu_s.value).toMatchObject({ dist: "lognormal" });
    expect(text).toContain(
      `agent_rpc_cpu_s:\n    value: {dist: lognormal, median_s: ${Number((rpc.median_s! * 1.5).toPrecision(4))}, p95_s: ${Number((rpc.p95_s! * 1.5).toPrecision(4))}}`,
    );
    expect(text).toMatch(
      /write_query_cpu_s:\n {4}value: \{dist: lognormal, median_s: [0-9.]+, p95_s: 0\.007123\}/,
    );
    expect(text.startsWith("# yaml-language-server")).toBe(true);
  });
});
