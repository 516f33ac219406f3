import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { mechanismsFor } from "../../src/model/coderVersion.js";
import { loadModel } from "../../src/model/loadModel.js";
import { buildRequestCatalog } from "../../src/model/requestClasses.js";
import { repoRoot } from "./helpers.js";

// The Agents() collector before and after PR #19786 (versions.agents_collector_single_query).
const model = loadModel(resolve(repoRoot, "models/coder-v2.8.yaml")).model;
const collector = model.agents_collector!;
const boundary = model.versions.agents_collector_single_query!.value;

const perWorkspaceCost = (version: string): number | undefined => {
  const cls = buildRequestCatalog(model, mechanismsFor(version, model)).agentsCollector!;
  const step = cls.steps[0]!;
  return step.kind === "query" ? step.perRowSeconds : undefined;
};

describe("Agents() collector reads by Coder version", () => {
  it("reads an owner and agents per workspace before the boundary", () => {
    expect(perWorkspaceCost("2.8")).toBeCloseTo(
      collector.workspaces_query_cpu_s_per_workspace.value +
        collector.per_workspace_cpu_s.value +
        collector.per_agent_cpu_s.value,
      15,
    );
  });

  it("drops the per-workspace lookups from the boundary on, keeping the list's rows and the apps lookup", () => {
    const after = collector.workspaces_query_cpu_s_per_workspace.value + collector.per_agent_cpu_s.value;
    expect(perWorkspaceCost(boundary)).toBeCloseTo(after, 15);
    expect(perWorkspaceCost("2.29")).toBeCloseTo(after, 15);
    expect(collector.per_workspace_cpu_s.value).toBeGreaterThan(0);
  });
});
