import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { readMeasuredFile } from "../../src/measured/index.js";
import {
  capsim,
  capsimInProcess,
  expectPromiseKept,
  FUZZ_SEED,
  requireBuild,
  type Sandbox,
  sandbox,
  snapshot,
  writeSmallScenario,
} from "./harness.js";

// One fuzz test per input surface, asserting the promise (exit 0 or 2, no stack trace, nothing written
// outside results/, bounded memory): many inputs in this process up to the point where the run would
// start (a tiny --max-hours refuses the valid ones there), and a few through the built CLI end to end,
// where a heap over the bound would kill the process (exit 134) and fail the test.
const IN_PROCESS_RUNS = 60;
const SPAWNED_RUNS = 3;
/** Appended last, so it wins over any budget the fuzzer wrote: valid inputs stop before simulating. */
const NO_SIMULATION = ["--max-hours", "0.000000001"];

let box: Sandbox;
let scenario: string;
beforeAll(() => {
  requireBuild();
  box = sandbox();
  scenario = writeSmallScenario(box);
});
afterAll(() => box.remove());

const hostileNumber = fc.constantFrom(
  "0",
  "-1",
  "1e308",
  "-1e308",
  "1e-308",
  "9007199254740993",
  ".nan",
  ".inf",
  "0x10",
  "1_000",
  "3.5",
  "100000000",
);
const hostileString = fc.oneof(
  fc.constantFrom(
    "../../../etc",
    "/dev/zero",
    "/etc/passwd",
    "\u001b[31mred",
    "a\nb",
    "\u202eevil",
    "x".repeat(5000),
    "{a: 1, a: 2}",
    "[1, 2",
    "*alias",
    "!!js/function x",
    "__proto__",
  ),
  fc.string({ maxLength: 30 }),
);
const hostileValue = fc.oneof(hostileNumber, hostileString);
const scenarioPath = fc.constantFrom(
  "name",
  "model",
  "seed",
  "replications",
  "scrape_interval_s",
  "warmup_s",
  "workload.users",
  "workload.workspaces",
  "workload.agent.metadata.interval_s",
  "workload.agent.metadata.items",
  "workload.traffic.tick_interval_s",
  "workload.dashboard.interval_s",
  "deployment.coderd.replicas",
  "deployment.coderd.pg_conn_max_open",
  "deployment.provisioners.count",
  "stages.0.duration_s",
  "stages.1.start_s",
  "stages.9.name",
  "events",
  "workspace_nodes",
  "unknown.key",
  "__proto__.polluted",
);

async function inProcess(args: readonly string[], what: string): Promise<void> {
  snapshot(box);
  const r = await capsimInProcess(args, box.cwd);
  expectPromiseKept(r, box, what);
}

function spawned(args: readonly string[], what: string): void {
  snapshot(box);
  expectPromiseKept(capsim(args, box.cwd), box, what);
}

function samples<T>(arb: fc.Arbitrary<T>, n: number, offset = 0): T[] {
  return fc.sample(arb, { seed: FUZZ_SEED + offset, numRuns: n });
}

describe("fuzz: scenario YAML", () => {
  const lines = (text: string) => text.split("\n");
  const mutation = fc.tuple(
    fc.nat(),
    fc.oneof(
      hostileValue.map((v) => (line: string) => line.replace(/:\s.*$/, `: ${v}`)),
      hostileString.map((v) => () => v),
      fc.constant((line: string) => `${line}\n${line}`),
      fc.constant((line: string) => `  ${line}`),
    ),
  );
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 4 });
  const apply = (base: string, edits: [number, (line: string) => string][]): string => {
    const ls = lines(base);
    for (const [at, edit] of edits) ls[at % ls.length] = edit(ls[at % ls.length]!);
    return ls.join("\n");
  };

  it("mutated scenario files keep the promise", async () => {
    const base = (await import("node:fs")).readFileSync(scenario, "utf8");
    for (const [i, edits] of samples(mutated, IN_PROCESS_RUNS).entries()) {
      const file = join(box.cwd, `fuzz-${i}.yaml`);
      writeFileSync(file, apply(base, edits));
      await inProcess(["run", file, "--no-progress", ...NO_SIMULATION], `scenario fuzz-${i}.yaml`);
    }
    for (const [i, edits] of samples(mutated, SPAWNED_RUNS, 1).entries()) {
      const file = join(box.cwd, `spawned-${i}.yaml`);
      writeFileSync(file, apply(base, edits));
      spawned(["run", file, "--no-progress", "--replications", "1"], `scenario spawned-${i}.yaml`);
    }
  });
});

describe("fuzz: --set", () => {
  const setArg = fc.tuple(scenarioPath, hostileValue).map(([p, v]) => `${p}=${v}`);
  it("hostile --set values keep the promise", async () => {
    for (const sets of samples(fc.array(setArg, { minLength: 1, maxLength: 3 }), IN_PROCESS_RUNS)) {
      const args = sets.flatMap((s) => ["--set", s]);
      await inProcess(["run", scenario, ...args, "--no-progress", ...NO_SIMULATION], args.join(" "));
    }
    for (const set of samples(setArg, SPAWNED_RUNS, 2)) {
      spawned(["run", scenario, "--set", set, "--replications", "1", "--no-progress"], `--set ${set}`);
    }
  });
});

describe("fuzz: --vary", () => {
  const list = fc.oneof(
    fc.tuple(hostileNumber, hostileNumber, hostileNumber).map(([a, b, s]) => `${a}..${b}:${s}`),
    fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 5 })).map(([n, s]) => `1..${n}:${s}`),
    fc.array(hostileValue, { minLength: 1, maxLength: 4 }).map((vs) => vs.join(",")),
    fc.constantFrom("1e1..3e1:1e1", "1e-1..3e-1:1e-1", "1..1000000", "1..10:0", ",,", "1,1"),
  );
  const vary = fc.tuple(scenarioPath, list).map(([p, l]) => `${p}=${l}`);
  it("hostile grids keep the promise", async () => {
    for (const axes of samples(fc.array(vary, { minLength: 1, maxLength: 2 }), IN_PROCESS_RUNS / 2)) {
      const args = axes.flatMap((v) => ["--vary", v]);
      const out = join(box.cwd, "results", "fuzz.csv");
      await inProcess(
        ["sweep", scenario, ...args, "--out", out, "--overwrite", "--no-progress", ...NO_SIMULATION],
        args.join(" "),
      );
    }
    for (const axis of samples(vary, SPAWNED_RUNS, 3)) {
      const out = join(box.cwd, "results", "spawned.csv");
      spawned(
        [
          "sweep",
          scenario,
          "--vary",
          axis,
          "--replications",
          "1",
          "--out",
          out,
          "--overwrite",
          "--no-progress",
        ],
        `--vary ${axis}`,
      );
    }
  });
});

describe("fuzz: measured files", () => {
  const promLine = fc
    .tuple(
      fc.constantFrom(
        "coderd_api_requests_processed_total",
        "process_cpu_seconds_total",
        "x",
        'a{b="',
        "# TYPE x counter",
      ),
      hostileNumber,
      fc.constantFrom("", " 1700000000000", " -1", " 1e400"),
    )
    .map(([n, v, t]) => `${n} ${v}${t}`);
  const content = fc.oneof(
    fc.array(promLine, { maxLength: 20 }).map((ls) => `${ls.join("\n")}\n`),
    fc.json(),
    fc
      .array(fc.array(hostileValue, { maxLength: 4 }), { maxLength: 8 })
      .map((rows) => rows.map((r) => r.join(",")).join("\n")),
    hostileString,
    fc.constantFrom(
      "metric: api_rps_median\nvalue: .nan\n",
      "figures: []\n",
      '{"status":"success","data":{}}',
      "42",
    ),
  );
  it("any content is read or refused with an InputError, quickly", () => {
    for (const [i, text] of samples(content, 200).entries()) {
      const file = join(box.cwd, `m-${i}.txt`);
      writeFileSync(file, text);
      const started = performance.now();
      try {
        readMeasuredFile(file);
      } catch (error) {
        if (!(error instanceof InputError))
          throw new Error(`m-${i}.txt: ${String(error)}\n${text.slice(0, 500)}`);
      }
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });

  it("compare on fuzzed measured files keeps the promise end to end", () => {
    for (const [i, text] of samples(content, SPAWNED_RUNS, 4).entries()) {
      const file = join(box.cwd, `spawned-${i}.prom`);
      writeFileSync(file, text);
      spawned(
        ["compare", scenario, file, "--replications", "1", "--no-progress"],
        `compare ${text.slice(0, 200)}`,
      );
    }
  });
});

describe("fuzz: command-line arguments", () => {
  const command = fc.constantFrom("run", "sweep", "compare", "merge", "report", "schema", "nope", "--help");
  const option = fc.oneof(
    fc.constantFrom(
      "--out",
      "--openmetrics",
      "--replications",
      "--seed",
      "--jobs",
      "--shard",
      "--max-memory-gb",
      "--max-input-mb",
      "--tolerance",
      "--set",
      "--vary",
      "--resume",
      "--json",
      "-o",
      "--",
    ),
    fc.string({ maxLength: 12 }).map((s) => `--${s}`),
  );
  const value = fc.oneof(
    hostileValue,
    fc.constantFrom(
      "SCENARIO",
      "SCENARIO",
      "/proc/capsim-fuzz",
      "/dev/null",
      "results/x",
      "../../../../escaped",
      "/dev/zero",
      ".",
      "1/0",
    ),
  );
  const argv = fc
    .tuple(command, fc.array(fc.oneof(option, value), { maxLength: 6 }))
    .map(([c, rest]) => [c, ...rest.map((a) => (a === "SCENARIO" ? scenario : a))]);
  const budgeted = (args: string[]) =>
    ["run", "sweep", "compare"].includes(args[0]!) ? [...args, ...NO_SIMULATION] : args;

  it("random command lines keep the promise", async () => {
    for (const args of samples(argv, IN_PROCESS_RUNS)) await inProcess(budgeted(args), args.join(" "));
    for (const args of samples(argv, SPAWNED_RUNS, 5)) spawned(budgeted(args), args.join(" "));
  });
});
