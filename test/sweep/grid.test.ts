import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { mergeLayouts, orderedUnion } from "../../src/sweep/columns.js";
import {
  cellOfValue,
  cornerPoints,
  gridPoint,
  gridPoints,
  gridSize,
  parseAxes,
  parseAxis,
} from "../../src/sweep/grid.js";
import { formatIndexRanges } from "../../src/sweep/merge.js";
import { inShard, parseShard, shardFromEnv } from "../../src/sweep/shard.js";

const texts = (arg: string) => parseAxis(arg).values.map((v) => v.text);

describe("--vary lists", () => {
  it("expands start..end:step with both ends, in decimal steps without float noise", () => {
    expect(texts("workload.users=500..2000:500")).toEqual(["500", "1000", "1500", "2000"]);
    expect(texts("x=0.1..0.5:0.1")).toEqual(["0.1", "0.2", "0.3", "0.4", "0.5"]);
    expect(texts("x=3..1")).toEqual(["3", "2", "1"]);
    expect(texts("x=500..6000:141")).toHaveLength(40);
  });

  it("takes exponents in range ends and steps", () => {
    expect(texts("x=1e3..1e4:1e3")).toEqual([
      "1000",
      "2000",
      "3000",
      "4000",
      "5000",
      "6000",
      "7000",
      "8000",
      "9000",
      "10000",
    ]);
    expect(texts("x=1e-3..5e-3:1e-3")).toEqual(["0.001", "0.002", "0.003", "0.004", "0.005"]);
    expect(texts("x=1.5e-1..4.5e-1:1.5e-1")).toEqual(["0.15", "0.3", "0.45"]);
    expect(() => parseAxis("x=1e400..1:1")).toThrow(/finite/);
    expect(() => parseAxis("x=0..1:1e-9")).toThrow(/at most 100000/);
  });

  it("loads a grid's corners first: each axis at its ends", () => {
    const axes = parseAxes(["a=1..10", "b=1,2,3", "c=7"]);
    expect(cornerPoints(axes).map((p) => p.values.map((v) => v.value))).toEqual([
      [1, 1, 7],
      [1, 3, 7],
      [10, 1, 7],
      [10, 3, 7],
    ]);
    expect(() => parseAxes(["a=1..1000", "b=1..1000"])).toThrow(/grid has 1000000 points \(at most 10000\)/);
  });

  it("types list items like --set, and keeps quoted commas together", () => {
    const axis = parseAxis(`deployment.coder_version="2.8","2.29.1",'a,b'`);
    expect(axis.values.map((v) => v.value)).toEqual(["2.8", "2.29.1", "a,b"]);
    expect(parseAxis("workload.traffic.direct_connections=true,false").values.map((v) => v.value)).toEqual([
      true,
      false,
    ]);
    expect(parseAxis("workload.users=10,20").values.map((v) => v.value)).toEqual([10, 20]);
  });

  it("rejects malformed and duplicate values as bad input", () => {
    expect(() => parseAxis("workload.users")).toThrow(InputError);
    expect(() => parseAxis("workload.users=1,,2")).toThrow(/empty value/);
    expect(() => parseAxis("workload.users=10,10.0")).toThrow(/appears twice/);
    expect(() => parseAxis("x=1..5:0")).toThrow(/step/);
    expect(() => parseAxes(["a.b=1,2", " a.b =3"])).toThrow(/varied twice/);
  });
});

describe("grid order", () => {
  it("is row-major with the first axis outermost", () => {
    const axes = parseAxes(["a=1,2,3", "b=x,y"]);
    expect(gridSize(axes)).toBe(6);
    expect(gridPoints(axes).map((p) => p.values.map((v) => v.text).join(""))).toEqual([
      "1x",
      "1y",
      "2x",
      "2y",
      "3x",
      "3y",
    ]);
    expect(gridPoint(axes, 5).index).toBe(5);
    expect(gridPoints([])).toHaveLength(1);
  });

  it("writes strings bare and other values as JSON", () => {
    expect(cellOfValue("2.8")).toBe("2.8");
    expect(cellOfValue(1500)).toBe("1500");
    expect(cellOfValue(true)).toBe("true");
    expect(cellOfValue(null)).toBe("");
  });
});

describe("shards", () => {
  it("parses i/n 1-based and deals points round-robin, each to exactly one shard", () => {
    const shards = [1, 2, 3].map((i) => parseShard(`${i}/3`));
    for (let k = 0; k < 20; k++) expect(shards.filter((s) => inShard(k, s))).toHaveLength(1);
    expect(inShard(0, parseShard("1/3"))).toBe(true);
    expect(inShard(4, parseShard("2/3"))).toBe(true);
    expect(() => parseShard("0/3")).toThrow(InputError);
    expect(() => parseShard("4/3")).toThrow(InputError);
    expect(() => parseShard("1-3")).toThrow(InputError);
  });

  it("reads JOB_COMPLETION_INDEX as 0-based", () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "0" }, 4)).toEqual({ index: 1, count: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: "3" }, 4)).toEqual({ index: 4, count: 4 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "4" }, 4)).toThrow(/out of range/);
    expect(() => shardFromEnv({}, 4)).toThrow(/not set/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: "1" }, undefined)).toThrow(/--shards/);
  });
});

describe("column layout", () => {
  it("unions resource lists keeping each list's order (more replicas slot in after their neighbours)", () => {
    const one = ["coderd-0 cpu", "database cpu", "coderd-0 db pool", "lock"];
    const two = [
      "coderd-0 cpu",
      "coderd-1 cpu",
      "database cpu",
      "coderd-0 db pool",
      "coderd-1 db pool",
      "lock",
    ];
    expect(orderedUnion([one, two])).toEqual(two);
    expect(orderedUnion([two, one])).toEqual(two);
    const merged = mergeLayouts([
      { metrics: [{ name: "a", stage: null }], resources: one },
      {
        metrics: [
          { name: "a", stage: null },
          { name: "b", stage: "dashboard" },
        ],
        resources: two,
      },
    ]);
    expect(merged.metrics).toEqual([
      { name: "a", stage: null },
      { name: "b", stage: "dashboard" },
    ]);
  });

  it("formats index lists as ranges", () => {
    expect(formatIndexRanges([7, 0, 1, 2, 3, 9, 10])).toBe("0-3, 7, 9-10");
  });
});
