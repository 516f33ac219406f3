import { spawnSync } from "node:child_process";

/** CI sets this so a test that needs an external tool fails instead of skipping when the tool is missing. */
export const REQUIRE_TOOLS_ENV = "CAPSIM_REQUIRE_TOOLS";

/** True when `command args` runs and exits 0 (the tool is on PATH and works). */
export function commandRuns(command: string, args: readonly string[] = ["--version"]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

/**
 * Decides whether tests that drive an external tool run. Returns `available`; when the tool is
 * missing it prints why the tests are skipped (a fresh machine's `npm test` stays green), or throws
 * when CAPSIM_REQUIRE_TOOLS=1 (CI must prove those tests). Use as `describe.skipIf(!requireTool(...))`.
 */
export function requireTool(name: string, available: boolean, howToInstall: string): boolean {
  if (available) return true;
  const reason = `${name} not found; to install it: ${howToInstall}`;
  if (process.env[REQUIRE_TOOLS_ENV] === "1") {
    throw new Error(`${reason} (${REQUIRE_TOOLS_ENV}=1 requires it)`);
  }
  console.warn(`SKIPPED the tests that need it: ${reason} (${REQUIRE_TOOLS_ENV}=1 makes them fail instead)`);
  return false;
}
