import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { loadModelText } from "../../src/model/loadModel.js";

const MODEL_FILE = join(resolve(import.meta.dirname, "../.."), "models/coder-v2.8.yaml");
const MODEL_TEXT = readFileSync(MODEL_FILE, "utf8");
// The shipped model extends coder-v2.8-base.yaml, which holds the parameters these checks edit and whose
// errors are positioned at the value (a complete model file is checked where its own lines are).
const BASE_TEXT = readFileSync(MODEL_FILE.replace("coder-v2.8.yaml", "coder-v2.8-base.yaml"), "utf8");

function load(entries: string, edit: (t: string) => string = (t) => t) {
  const text = edit(BASE_TEXT).replace(
    /\nuncertainty:\n[\s\S]*?(?=\n#[^\n]*\nleaves_out:|\nleaves_out:)/,
    `\nuncertainty:\n${entries}`,
  );
  return loadModelText(text, "m.yaml");
}

function issues(entries: string): string[] {
  try {
    load(entries);
  } catch (error) {
    if (error instanceof InputError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("the model's uncertainty: section", () => {
  it("loads the shipped model with every entry and its leaves_out list", () => {
    const m = loadModelText(MODEL_TEXT, MODEL_FILE).model;
    expect(m.uncertainty!.length).toBeGreaterThan(5);
    expect(m.leaves_out!.length).toBeGreaterThan(3);
  });

  it("refuses a stale value range, a factor range without 1, an unknown path and a duplicate, each located", () => {
    const e = (path: string, low: number, high: number, extra = "") =>
      `  - {path: ${path}, low: ${low}, high: ${high}, kind: assumed, source: s${extra}}\n`;
    // The entry is the line after `uncertainty:`; its low value starts at column 41.
    const line = BASE_TEXT.split("\n").indexOf("uncertainty:") + 2;
    expect(issues(e("coderd.heartbeat_cpu_s", 0.01, 0.02, ", as: value"))).toEqual([
      `m.yaml:${line}:41: uncertainty.0.low: the model's value 0.002 is outside 0.01..0.02: the range is stale`,
    ]);
    expect(issues(e("coderd.heartbeat_cpu_s", 1.5, 2))[0]).toMatch(
      /^m\.yaml:\d+:\d+: uncertainty\.0\.low: factor range 1\.5\.\.2 must contain 1/,
    );
    expect(issues(e("coderd.agent_rpc_cpu_s.median", 0.5, 2))[0]).toMatch(
      /uncertainty\.0\.path: coderd\.agent_rpc_cpu_s is a parameter: name it without \.median/,
    );
    expect(issues(e("coderd.nope", 0.5, 2))[0]).toMatch(
      /uncertainty\.0\.path: coderd has no parameter group or parameter nope/,
    );
    expect(issues(e("coderd.api_request_cpu_s", 0.5, 2, ", as: value"))[0]).toMatch(
      /uncertainty\.0\.as: coderd\.api_request_cpu_s is a distribution/,
    );
    expect(issues(e("coderd.heartbeat_cpu_s", 0.5, 2) + e("coderd.heartbeat_cpu_s", 0.5, 2))[0]).toMatch(
      /uncertainty\.1\.path: coderd\.heartbeat_cpu_s is listed twice/,
    );
  });

  it("keeps a factor range valid on a derived model (a distribution turned number, a cost of 0)", () => {
    const entries = "  - {path: coderd.api_request_cpu_s, low: 0.5, high: 2, kind: assumed, source: s}\n";
    const derived = (t: string) =>
      t
        .replace(/(api_request_cpu_s:\n {4}value: ).*/, "$10")
        .replace(/(agent_rpc_cpu_s:\n {4}value: ).*/, "$10.01");
    expect(load(entries, derived).model.uncertainty).toHaveLength(1);
  });
});
