import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import type { ModelFile } from "../../src/model/modelSchema.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import { inputIssues, repoRoot } from "./helpers.js";

const MEASURED = resolve(repoRoot, "models/coder-v2.8-measured.yaml");
const OVERLAY = resolve(repoRoot, "results/measure-db/2026-12-06.yaml");
const METADATA_MAP = `overlays:
  - file: ${OVERLAY}
    statements:
      database.metadata_write_cpu_s: [metadata_update_per_agent]
      database.metadata_notify_cpu_s: [metadata_notify_per_agent]
`;

/** A model extending coder-v2.8-measured with k = 3 and `body`; returns the loaded model. */
function modelWith(body: string): ModelFile {
  const dir = mkdtempSync(join(tmpdir(), "capsim-groups-"));
  const file = join(dir, "model.yaml");
  writeFileSync(
    file,
    `name: t\ndescription: t\nextends: ${MEASURED}\n${METADATA_MAP}database:\n  measured_cost_scale: {value: 3, source: test}\n${body}`,
  );
  return loadModel(file).model;
}

/** Every overlay-merged parameter's value, by `section.param`. */
function mergedValues(model: ModelFile): Map<string, number> {
  const out = new Map<string, number>();
  for (const [section, params] of Object.entries(model)) {
    if (typeof params !== "object" || params === null || Array.isArray(params)) continue;
    for (const [name, p] of Object.entries(params as Record<string, unknown>)) {
      const param = p as { value?: unknown; source?: unknown };
      if (typeof param?.source === "string" && param.source.startsWith("overlay ")) {
        out.set(`${section}.${name}`, param.value as number);
      }
    }
  }
  return out;
}

const GROUP = `measured_cost_groups:
  meta:
    scale: {value: 21, source: test}
    params: [database.metadata_write_cpu_s, pubsub.listener_cpu_s]
`;

describe("measured_cost_groups (a scale for named measured costs only)", () => {
  it("multiplies exactly the named overlay values by the group's scale, every other one by k", () => {
    const plain = mergedValues(modelWith(""));
    const grouped = mergedValues(modelWith(GROUP));
    expect(plain.size).toBeGreaterThan(8);
    expect([...grouped.keys()].sort()).toEqual([...plain.keys()].sort());
    const named = new Set(["database.metadata_write_cpu_s", "pubsub.listener_cpu_s"]);
    for (const [path, value] of plain) {
      // k = 3 for the rest, 21 for the group: the named ones grow 7x, nothing else moves.
      expect(grouped.get(path), path).toBeCloseTo(named.has(path) ? value * 7 : value, 12);
    }
  });

  it("names the group and its scale in the provenance of the values it scales", () => {
    const model = modelWith(GROUP);
    expect(model.database.metadata_write_cpu_s!.source).toContain("measured_cost_groups.meta scale = 21");
    expect(model.database.write_query_cpu_s.source).toContain("database.measured_cost_scale k = 3");
  });

  it("gives the metadata path its own costs, and leaves the other classes' writes and NOTIFYs alone", () => {
    const model = modelWith(GROUP);
    const catalog = buildRequestCatalog(model, mechanismsFor("2.8", model));
    const queries = (steps: readonly { kind: string }[]) =>
      steps
        .filter((s) => s.kind === "query")
        .map((s) => (s as unknown as { work: { mean: number } }).work.mean);
    const meta = model.database.metadata_write_cpu_s!.value as number;
    const metaNotify = model.database.metadata_notify_cpu_s!.value as number;
    const write = model.database.write_query_cpu_s.value as number;
    const notify = model.database.notify_cpu_s.value as number;
    expect(queries(catalog.metadataRpc.steps).slice(-2)).toEqual([
      expect.closeTo(meta, 12),
      expect.closeTo(metaNotify, 12),
    ]);
    expect(queries(catalog.metadataNotify.steps)).toEqual([expect.closeTo(metaNotify, 12)]);
    // An agent reconnect's UPDATE and NOTIFY (build requests are measured phase by phase: model `builds`).
    expect(queries(catalog.agentReconnect.steps).slice(-2)).toEqual([
      expect.closeTo(write, 12),
      expect.closeTo(notify, 12),
    ]);
    expect(queries(catalog.statsRpcWithSession.steps).at(-1)).toBeCloseTo(notify, 12);
  });

  it("keeps a group's params when a model extending it sets only the scale (as prediction draws do)", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-groups-"));
    const parent = join(dir, "parent.yaml");
    writeFileSync(
      parent,
      `name: p\ndescription: p\nextends: ${MEASURED}\n${METADATA_MAP}database:\n  measured_cost_scale: {value: 3, source: test}\n${GROUP}`,
    );
    const child = join(dir, "child.yaml");
    writeFileSync(
      child,
      `name: c\ndescription: c\nextends: ${parent}\nmeasured_cost_groups:\n  meta:\n    scale: {value: 42, source: test}\n`,
    );
    const viaParent = mergedValues(loadModel(parent).model);
    const viaChild = mergedValues(loadModel(child).model);
    expect(viaChild.get("database.metadata_write_cpu_s")).toBeCloseTo(
      2 * viaParent.get("database.metadata_write_cpu_s")!,
      12,
    );
    expect(viaChild.get("database.write_query_cpu_s")).toBe(viaParent.get("database.write_query_cpu_s"));
  });

  it("refuses a parameter no overlay sets, or one two groups scale, at the group", () => {
    const unset = inputIssues(() =>
      modelWith(
        "measured_cost_groups:\n  g:\n    scale: {value: 2, source: t}\n    params: [database.background_vcpu]\n",
      ),
    );
    expect(unset[0]!.path).toBe("measured_cost_groups.g.params.0");
    expect(unset[0]!.message).toContain("set by no overlay");
    const twice = inputIssues(() =>
      modelWith(`${GROUP}  other:\n    scale: {value: 2, source: t}\n    params: [pubsub.listener_cpu_s]\n`),
    );
    expect(twice[0]!.path).toBe("measured_cost_groups.other.params.0");
    expect(twice[0]!.message).toContain("already scaled by group meta");
  });
});

describe("the data-volume costs are measured costs like the others", () => {
  it("are merged from their overlay times k (one rule for every measured cost)", () => {
    const v = modelWith("").data_volume!;
    // k = 3 (modelWith) times the laws fitted by bench/dataVolumeFit.mjs (1.853 us, 0.5823 us per row).
    expect(v.deployment_stats_cpu_s_per_row.value).toBeCloseTo(3 * 1.853e-6, 12);
    expect(v.daus_cpu_s_per_row.value).toBeCloseTo(3 * 5.823e-7, 12);
    expect(v.daus_cpu_s_per_row.source).toMatch(
      /^overlay .*data-volume-fit-2026-12-07\.yaml .*x database\.measured_cost_scale k = 3/,
    );
  });
});
