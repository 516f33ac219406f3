import { describe, expect, it } from "vitest";
import { isDocument } from "yaml";
import { z } from "zod";
import { InputError } from "../../src/errors.js";
import { parseSetOverride } from "../../src/scenario/setOverride.js";
import { MAX_REPORTED_ISSUES, parseYamlWithSchema } from "../../src/scenario/yamlDocument.js";
import { inputErrorLines } from "./helpers.js";

const pointSchema = z.strictObject({
  x: z.number(),
  label: z.string().default("none"),
  tags: z.array(z.string()).default([]),
});
const listSchema = z.strictObject({ items: z.array(pointSchema) });

const lines = (text: string, schema: z.ZodType<unknown> = listSchema) =>
  inputErrorLines(() => parseYamlWithSchema(text, "f.yaml", schema));

/** "Billion laughs": 9 levels of 9 aliases each would expand to 9^9 strings. */
const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((name, i) => {
    const prev = "abcdefghi"[i];
    return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`;
  }),
].join("\n");

describe("parseYamlWithSchema", () => {
  it("returns the validated value with defaults and the document", () => {
    const { value, doc } = parseYamlWithSchema(
      "items:\n  - x: 1\n  - {x: 2, label: b}\n",
      "f.yaml",
      listSchema,
    );
    expect(value).toEqual({
      items: [
        { x: 1, label: "none", tags: [] },
        { x: 2, label: "b", tags: [] },
      ],
    });
    expect(isDocument(doc)).toBe(true);
    expect(doc.getIn(["items", 1, "label"])).toBe("b");
  });

  it("applies overrides to the document it returns", () => {
    const { value, doc } = parseYamlWithSchema("items: [{x: 1}]\n", "f.yaml", listSchema, {
      overrides: [parseSetOverride("items.0.x=5")],
    });
    expect(value.items[0]?.x).toBe(5);
    expect(doc.getIn(["items", 0, "x"])).toBe(5);
  });

  it("reports all issues in reading order", () => {
    expect(lines("items:\n  - {x: a, y: 1}\n  - label: 3\n")).toEqual([
      "f.yaml:2:9: items.0.x: Invalid input: expected number, received string",
      'f.yaml:2:12: items.0.y: unknown key "y" (expected one of: x, label, tags)',
      "f.yaml:3:5: items.1.x: required key is missing (expected number)",
      "f.yaml:3:12: items.1.label: Invalid input: expected string, received number",
    ]);
  });

  it("finds positions through aliases (at the anchored node)", () => {
    expect(
      lines(
        "base: &p {x: s}\nitems: [*p]\n",
        z.strictObject({ base: z.unknown(), items: listSchema.shape.items }),
      ),
    ).toEqual(["f.yaml:1:14: items.0.x: Invalid input: expected number, received string"]);
  });

  it("refuses custom and YAML 1.1 tags instead of resolving them", () => {
    expect(lines("items: !!js/function 'function () { return 1 }'\n")).toEqual([
      "f.yaml:1:8: Unresolved tag: tag:yaml.org,2002:js/function",
    ]);
    expect(lines("%YAML 1.1\n---\nitems: [{x: !!binary aGVsbG8=}]\n")).toEqual([
      "f.yaml:3:13: Unresolved tag: tag:yaml.org,2002:binary",
    ]);
  });

  it("does not merge `<<` keys (core schema): they are unknown keys", () => {
    expect(
      lines(
        "base: &b {x: 1}\nitems:\n  - <<: *b\n",
        z.strictObject({ base: z.unknown(), items: listSchema.shape.items }),
      ),
    ).toEqual([
      "f.yaml:3:5: items.0.x: required key is missing (expected number)",
      'f.yaml:3:5: items.0.<<: unknown key "<<" (expected one of: x, label, tags)',
    ]);
  });

  it("rejects several documents in one file", () => {
    expect(lines("items: []\n---\nitems: []\n")).toEqual([
      "f.yaml:2:1: Source contains multiple documents; please use YAML.parseAllDocuments()",
    ]);
  });

  it("refuses a billion-laughs alias bomb quickly", () => {
    const started = performance.now();
    expect(lines(billionLaughs, z.unknown())).toEqual([
      "f.yaml:2:8: refusing to expand aliases: Excessive alias count indicates a resource exhaustion attack",
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("turns absurd nesting into one issue rather than a stack overflow", () => {
    const issues = lines("[".repeat(50_000));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^f\.yaml:1:\d+: nesting too deep \(/);
  });

  it("caps very long issue lists", () => {
    const text = `items: []\n${Array.from({ length: 80 }, (_, i) => `k${i}: 1`).join("\n")}\n`;
    const issues = lines(text);
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(issues.at(-1)).toBe('f.yaml:51:1: k49: unknown key "k49", and 30 more unknown keys after it');
  });

  it("caps long lists of other problems", () => {
    const text = `items:\n${Array.from({ length: 80 }, () => "  - {x: oops}").join("\n")}\n`;
    const issues = lines(text);
    expect(issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(issues.at(-1)).toBe("f.yaml: ... and 30 more problems");
  });

  it("wraps unexpected exceptions from the schema into an InputError", () => {
    const throwing = z.unknown().transform(() => {
      throw new TypeError("boom");
    });
    expect(lines("a: 1\n", throwing)).toEqual(["f.yaml: cannot load: TypeError: boom"]);
  });

  it("keeps __proto__ as data: an unknown key, no prototype pollution", () => {
    expect(lines("items: []\n__proto__: {polluted: true}\n")).toEqual([
      'f.yaml:2:1: __proto__: unknown key "__proto__" (expected one of: items)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("throws only InputError, carrying every issue", () => {
    try {
      parseYamlWithSchema("items: [{x: a}, {x: b}]", "f.yaml", listSchema);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).issues.map((issue) => issue.path)).toEqual(["items.0.x", "items.1.x"]);
    }
  });
});
