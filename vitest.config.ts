import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Test directories run without per-file isolation (see projects below). */
const IN_PROCESS = [
  "analytic",
  "engine",
  "figures",
  "input",
  "measured",
  "model",
  "plan",
  "promql",
  "scenario",
].map((dir) => `test/${dir}/**/*.test.ts`);

/** The operational-law shards simulate every shipped scenario (50-75 s each), the longest files. */
const LONGEST = "/test/model/laws/";

/**
 * vitest's order (failed, then longest by its cache, else largest file first) with the law shards first:
 * without a cache (a fresh CI checkout) these 3-line files would run last and leave one worker idle.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLongest = (f: TestSpecification) => f.moduleId.includes(LONGEST);
    return [...sorted.filter(isLongest), ...sorted.filter((f) => !isLongest(f))];
  }
}

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // CLI tests spawn dist/cli/main.js (1 s less a spawn than src/ through tsx): dist/ is rebuilt when stale.
    globalSetup: ["test/freshBuild.ts"],
    // One file per core: vitest's default (cores - 1) runs the suite one file at a time on 2 cores.
    // test/compare, hostile, prometheus, calibrate: 312 s -> 189 s wall, same 146 CPU s (2 cores, load 6-12).
    maxWorkers: "100%",
    sequence: { sequencer: LongestFirst },
    projects: [
      // Files that call the library in process and restore what they change share one module graph per
      // worker: re-importing src/ per file was over half their CPU time (76 files: 160 -> 72 CPU s).
      { extends: true, test: { name: "shared", include: IN_PROCESS, isolate: false } },
      // The rest (CLI spawns, Prometheus, chdir, vi.mock) keep a fresh module graph per file.
      { extends: true, test: { name: "isolated", include: ["test/**/*.test.ts"], exclude: IN_PROCESS } },
    ],
  },
});
