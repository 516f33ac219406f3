import { join, resolve } from "node:path";

/** The built CLI, `capsim` as installed (test/freshBuild.ts rebuilds dist/ when src/ is newer). */
export const CAPSIM_MAIN = join(resolve(import.meta.dirname, "../.."), "dist/cli/main.js");
