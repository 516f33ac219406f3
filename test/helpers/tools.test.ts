import { afterEach, describe, expect, it, vi } from "vitest";
import { commandRuns, REQUIRE_TOOLS_ENV, requireTool } from "./tools.js";

describe("requireTool", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("runs the tests when the tool is there", () => {
    expect(requireTool("x", true, "apt-get install x")).toBe(true);
  });

  it("skips with a printed reason when the tool is missing", () => {
    vi.stubEnv(REQUIRE_TOOLS_ENV, "");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(requireTool("x", false, "apt-get install x")).toBe(false);
    expect(warn.mock.calls[0]![0]).toMatch(/^SKIPPED .*x not found; to install it: apt-get install x/);
  });

  it("fails instead when CAPSIM_REQUIRE_TOOLS=1", () => {
    vi.stubEnv(REQUIRE_TOOLS_ENV, "1");
    expect(() => requireTool("x", false, "apt-get install x")).toThrow(/x not found.*requires it/);
  });

  it("finds whether a command runs", () => {
    expect(commandRuns("node")).toBe(true);
    expect(commandRuns("capsim-no-such-command")).toBe(false);
  });
});
