import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { modelJsonSchema, modelJsonSchemaText } from "../../src/model/modelJsonSchema.js";

const committedPath = new URL("../../schema/model.schema.json", import.meta.url);
const MODEL_FILES = ["../../models/coder-v2.8-base.yaml", "./fixtures/frozen-coder-v2.8.yaml"];

interface Node {
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: boolean;
}

describe("model JSON Schema", () => {
  it("matches the committed schema/model.schema.json", () => {
    expect(
      readFileSync(committedPath, "utf8") === modelJsonSchemaText(),
      "schema/model.schema.json is stale: run `npx tsx src/model/writeModelSchema.ts` and commit the result",
    ).toBe(true);
  });

  it("is draft-07, strict, with an id and title", () => {
    const schema = modelJsonSchema() as Node & Record<string, unknown>;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe("urn:capsim:schema:model");
    expect(schema.title).toBe("capsim model");
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(MODEL_FILES)("is what %s's editor modeline points at, and names its top-level keys", (file) => {
    const url = new URL(file, import.meta.url);
    const text = readFileSync(url, "utf8");
    const relative = /\$schema=(\S+)/.exec(text.split("\n")[0] ?? "")?.[1];
    expect(relative).toBeDefined();
    expect(new URL(relative!, url).href).toBe(committedPath.href);
    const schema = modelJsonSchema() as Node;
    const keys = Object.keys(parse(text) as object);
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(keys));
    expect(keys).toEqual(expect.arrayContaining(schema.required ?? []));
  });
});
