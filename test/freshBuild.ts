import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

// vitest globalSetup: tests that spawn the CLI run dist/cli/main.js, so dist/ must be built from this src/.
const ROOT = resolve(import.meta.dirname, "..");
const BUILT = join(ROOT, "dist/cli/main.js");
const INPUTS = [join(ROOT, "src"), join(ROOT, "tsconfig.json"), join(ROOT, "tsconfig.build.json")];

/** The newest modification time under `path` (a file or a directory tree), in ms. */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file bumps its directory
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Whether dist/ is missing or older than a source file (an edit since the last build). */
export function distIsStale(): boolean {
  if (!existsSync(BUILT)) return true;
  const built = statSync(BUILT).mtimeMs;
  return INPUTS.some((input) => newestMtime(input) > built);
}

export default function setup(): void {
  if (!distIsStale()) return;
  process.stderr.write(
    "dist/ is older than src/: building it (tsc -p tsconfig.build.json) before the tests\n",
  );
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
}
