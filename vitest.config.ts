import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // CLI tests spawn dist/cli/main.js (1 s less a spawn than src/ through tsx): dist/ is rebuilt when stale.
    globalSetup: ["test/freshBuild.ts"],
    // One file per core: vitest's default (cores - 1) runs the suite one file at a time on 2 cores.
    // test/compare, hostile, prometheus, calibrate: 312 s -> 189 s wall, same 146 CPU s (2 cores, load 6-12).
    maxWorkers: "100%",
  },
});
