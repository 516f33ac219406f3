import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Test directories run without per-file isolation (see projects below). */
const IN_PROCESS = [
  "analytic",
  "calibrate",
  "compare",
  "cost",
  "engine",
  "figures",
  "input",
  "measured",
  "model",
  "plan",
  "promql",
  "report",
  "run",
  "scenario",
  "uncertainty",
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
      // Files that restore what they change share one module graph per worker: re-importing src/ per file
      // was over half the CPU of in-process files (76 files: 160 -> 72 CPU s; run, uncertainty, compare,
      // cost, calibrate, report: 189 -> 155 CPU s; every test passes both ways).
      { extends: true, test: { name: "shared", include: IN_PROCESS, isolate: false } },
      // The rest (hostile chdir, Prometheus servers, vi.mock of node:fs, env stubs) keep a fresh one per file.
      { extends: true, test: { name: "isolated", include: ["test/**/*.test.ts"], exclude: IN_PROCESS } },
    ],
  },
});
