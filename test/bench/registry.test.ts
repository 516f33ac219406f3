import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM JavaScript under bench/, no declarations
import { timedCli } from "../../bench/cliTime.js";
// @ts-expect-error plain ESM JavaScript under bench/, no declarations
import { BENCHMARKS } from "../../bench/registry.js";

interface Entry {
  id: string;
  module: string;
  params: Record<string, unknown>;
  maxRuns?: number;
}

const entries = BENCHMARKS as Entry[];

describe("bench/registry.js", () => {
  it("names each benchmark once", () => {
    const ids = entries.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(entries.map((b) => [b.id, b] as const))(
    "%s: its module exports description and run",
    async (_id, b) => {
      const mod = await import(new URL(b.module, new URL("../../bench/", import.meta.url)).href);
      expect(typeof mod.description).toBe("string");
      expect(typeof mod.run).toBe("function");
    },
  );

  it("has issue 15's sensitivity and 10k plan entries on scenarios that exist", () => {
    const byId = new Map(entries.map((b) => [b.id, b]));
    expect(byId.get("sensitivity-2000")?.params).toMatchObject({
      scenario: "scaletest-2000",
      maxWallSeconds: 300,
    });
    // At 10k on a version that holds 10k (v2.8's notify lock answers "no deployment" there).
    expect(byId.get("plan-vs-run-10000")?.params).toMatchObject({
      scenario: "reference/10k",
      users: 10000,
      maxRatio: 3,
    });
  });
});

describe("bench/cliTime.js", () => {
  const dir = mkdtempSync(join(tmpdir(), "capsim-clitime-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("returns the CLI's stdout with its wall and CPU seconds", () => {
    const t = timedCli(["--version"], dir);
    expect(t.stdout.trim()).toMatch(/\d+\.\d+\.\d+/);
    expect(t.seconds).toBeGreaterThan(0);
    // A node process spends CPU starting up; 0 would mean the child's time was not counted.
    expect(t.cpu).toBeGreaterThan(0);
  });

  it("throws on an exit code that is not an answer", () => {
    expect(() => timedCli(["no-such-command"], dir)).toThrow(/exit 2/);
  });
});
