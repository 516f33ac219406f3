import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

describe("the README's engine example (examples/mmc.js) runs as written", () => {
  it("prints a CI that contains the Erlang C value", () => {
    const out = execFileSync(process.execPath, ["examples/mmc.js"], { cwd: ROOT, encoding: "utf8" });
    const ci = /95% CI \[([\d.]+), ([\d.]+)\]/.exec(out);
    const exact = /Erlang C\s+([\d.]+)/.exec(out);
    expect(ci && exact).toBeTruthy();
    expect(Number(exact![1])).toBeGreaterThanOrEqual(Number(ci![1]));
    expect(Number(exact![1])).toBeLessThanOrEqual(Number(ci![2]));
  }, 60_000);
});
