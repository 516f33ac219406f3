import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema, scenarioJsonSchemaText } from "../../src/scenario/jsonSchema.js";
import { fixtureText } from "./helpers.js";

const committedPath = new URL("../../schema/scenario.schema.json", import.meta.url);

interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
}

/** Every object node with its dotted path (`[]` for array items). */
function objectNodes(node: JsonSchemaNode, path = ""): Array<[string, JsonSchemaNode]> {
  const found: Array<[string, JsonSchemaNode]> = [];
  if (node.properties) {
    found.push([path, node]);
    for (const [key, child] of Object.entries(node.properties)) {
      found.push(...objectNodes(child, path ? `${path}.${key}` : key));
    }
  }
  if (node.items) found.push(...objectNodes(node.items, `${path}[]`));
  return found;
}

describe("scenario JSON Schema", () => {
  it("matches the committed schema/scenario.schema.json", () => {
    const committed = readFileSync(committedPath, "utf8");
    expect(
      committed === scenarioJsonSchemaText(),
      "schema/scenario.schema.json is stale: run `npx tsx src/scenario/writeSchema.ts` and commit the result",
    ).toBe(true);
  });

  it("is draft-07 with an id and title", () => {
    const schema = scenarioJsonSchema();
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe("urn:capsim:schema:scenario");
    expect(schema.title).toBe("capsim scenario");
  });

  it("is strict and describes every field", () => {
    const nodes = objectNodes(scenarioJsonSchema() as JsonSchemaNode);
    expect(nodes.length).toBeGreaterThan(10);
    for (const [path, node] of nodes) {
      expect(node.additionalProperties, `${path || "(root)"} must reject unknown keys`).toBe(false);
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        expect(child.description, `${path ? `${path}.` : ""}${key} needs a description`).toMatch(/\S/);
      }
    }
  });

  it("keeps the product's fixed key names, required keys and defaults", () => {
    const byPath = new Map(objectNodes(scenarioJsonSchema() as JsonSchemaNode));
    const keys = (path: string) => Object.keys(byPath.get(path)?.properties ?? {});
    expect(keys("")).toEqual(
      expect.arrayContaining([
        "model",
        "deployment",
        "workload",
        "stages",
        "seed",
        "replications",
        "scrape_interval_s",
      ]),
    );
    expect(keys("deployment")).toEqual(["coder_version", "coderd", "provisioners", "database", "cloud"]);
    expect(keys("deployment.coderd")).toEqual(
      expect.arrayContaining(["replicas", "vcpu", "memory_gb", "pg_conn_max_open"]),
    );
    expect(keys("deployment.provisioners")).toEqual(["count", "vcpu", "memory_gb"]);
    expect(keys("deployment.database")).toEqual(["vcpu", "memory_gb", "agent_stats_history_days"]);
    expect(keys("workload")).toEqual(expect.arrayContaining(["users", "workspaces", "agent"]));
    expect(keys("workload.agent.metadata")).toEqual(["items", "interval_s"]);
    expect(keys("stages[]")).toEqual(expect.arrayContaining(["name", "start_s", "duration_s"]));
    expect(byPath.get("")?.required).toEqual(["deployment", "workload", "stages"]);
    expect(byPath.get("stages[]")?.required).toEqual(["name", "start_s", "duration_s"]);
    expect(byPath.get("stages[]")?.properties?.name?.enum).toEqual([
      "prepare",
      "ssh",
      "web_terminal",
      "workspace_apps",
      "dashboard",
      "cleanup",
    ]);
    const root = byPath.get("")?.properties ?? {};
    expect([
      root.model?.default,
      root.seed?.default,
      root.replications?.default,
      root.scrape_interval_s?.default,
    ]).toEqual(["coder-v2.8", 1, 3, 15]);
  });

  it("is referenced by the example fixture's editor modeline", () => {
    const modeline = fixtureText("good.yaml").split("\n")[0] ?? "";
    const relative = modeline.match(/\$schema=(\S+)/)?.[1];
    expect(relative).toBeDefined();
    const resolved = new URL(relative!, new URL("../fixtures/scenarios/good.yaml", import.meta.url));
    expect(resolved.href).toBe(committedPath.href);
  });
});
