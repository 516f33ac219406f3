import { describe, expect, it } from "vitest";
import { jsonIssue, jsonOffsetOf, jsonSyntaxProblem, parseJsonText } from "../../src/measured/jsonLocate.js";
import { inputErrorOf } from "./fixtures.js";

describe("JSON positions", () => {
  const text = '{\n  "a": [1, {"b": "x"}],\n  "c\\"d": null\n}';

  it("finds the offset of a value by path", () => {
    expect(jsonOffsetOf(text, ["a", 1, "b"])).toBe(text.indexOf('"x"'));
    expect(jsonOffsetOf(text, ['c"d'])).toBe(text.indexOf("null"));
    expect(jsonOffsetOf(text, [])).toBe(0);
    expect(jsonOffsetOf(text, ["missing"])).toBeUndefined();
  });

  it("positions issues at the nearest existing value", () => {
    expect(jsonIssue(text, "f.json", ["a", 1, "b"], "bad")).toEqual({
      file: "f.json",
      line: 2,
      col: 18,
      path: "a.1.b",
      message: "bad",
    });
    expect(jsonIssue(text, "f.json", ["a", 1, "zzz"], "missing")).toMatchObject({ line: 2, col: 12 });
    expect(jsonIssue('{"x": 1}', "n.ndjson", ["x"], "m", 7)).toMatchObject({ line: 7, col: 7 });
  });

  it("locates syntax errors that JSON.parse does not position", () => {
    expect(jsonSyntaxProblem(text)).toBeUndefined();
    expect(jsonSyntaxProblem('{"a": 1,}')).toEqual({ offset: 8, message: "expected a quoted property name" });
    expect(jsonSyntaxProblem('{"a": "line\nbreak"}')).toMatchObject({
      message: "control character in string (unescaped newline?)",
    });
    expect(inputErrorOf(() => parseJsonText('{\n  "a": 1\n  "b": 2\n}', "f.json"))).toBe(
      "f.json:3:3: not valid JSON: expected ',' or '}' after a property value",
    );
    expect(inputErrorOf(() => parseJsonText('{"a": tru}', "f.json"))).toBe(
      'f.json:1:7: not valid JSON: unexpected character "t"',
    );
  });
});
