import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../../src/cli/progress.js";

// A sweep on a pod or with stderr in a file: no bar to draw, but hours of silence say nothing either.
describe("progress with stderr redirected", () => {
  const ci = process.env.CI;
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  function capture(): string[] {
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation(
      (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0,
    );
    Object.defineProperty(process.stderr, "isTTY", { value: false, configurable: true });
    delete process.env.CI;
    vi.useFakeTimers({ now: 0 });
    return lines;
  }

  it("logs a line with the ETA at most every interval, when the command asks for it", () => {
    const lines = capture();
    const progress = createProgress("sweep s", { logEveryMs: 30_000 });
    progress.update(0.1, "1/10 points");
    vi.setSystemTime(30_000);
    progress.update(0.25, "2/8 points");
    vi.setSystemTime(40_000);
    progress.update(0.5, "4/8 points");
    vi.setSystemTime(60_000);
    progress.update(0.5, "4/8 points");
    expect(lines).toEqual(["sweep s: 2/8 points (25%), ETA 2m\n", "sweep s: 4/8 points (50%), ETA 1m\n"]);
  });

  it("stays quiet without it, with --no-progress and under CI", () => {
    const lines = capture();
    vi.setSystemTime(60_000);
    createProgress("run s").update(0.5);
    createProgress("sweep s", { logEveryMs: 1, enabled: false }).update(0.5);
    process.env.CI = "true";
    createProgress("sweep s", { logEveryMs: 1 }).update(0.5);
    expect(lines).toEqual([]);
  });
});
