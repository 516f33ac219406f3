import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { runReplication } from "../../src/model/coderModel.js";
import { loadModel } from "../../src/model/loadModel.js";
import { loadScenarioAndModel } from "../../src/model/loadScenarioAndModel.js";
import { estimateRun, jobsWithinMemory } from "../../src/run/estimate.js";
import { loadScenario } from "../../src/scenario/index.js";
import { reviveFailure, runTask, type SimulationTask, taskFailure } from "../../src/sweep/tasks.js";

// Worker threads load compiled JS, so the parallel paths are driven through the built CLI and dist/.
const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const SCENARIO = join(ROOT, "test/fixtures/sweep/small.yaml");
let dir: string;

function capsim(args: readonly string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The summary without its wall time, the one field that may differ between two identical runs. */
function summaryOf(json: string): unknown {
  const { wall_seconds: _wall, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: build first (npx tsc -p tsconfig.build.json)`);
  dir = mkdtempSync(join(tmpdir(), "capsim-parallel-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parallel replications", () => {
  it("run --jobs 2 gives the summary and time series of --jobs 1, bit for bit", () => {
    const outputs = [1, 2].map((jobs) => {
      const out = join(dir, `run-${jobs}`);
      const r = capsim([
        "run",
        SCENARIO,
        "--replications",
        "3",
        "--jobs",
        String(jobs),
        "--json",
        "--out",
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return { summary: summaryOf(r.stdout), csv: readFileSync(join(out, "timeseries.csv"), "utf8") };
    });
    expect(outputs[1]!.summary).toEqual(outputs[0]!.summary);
    expect(outputs[1]!.csv).toBe(outputs[0]!.csv);
    // Three distinct replications really ran (a pool that returned one result thrice would fail here).
    const summary = outputs[0]!.summary as { replications: number; metrics: { ci95: unknown }[] };
    expect(summary.replications).toBe(3);
    expect(summary.metrics.some((m) => m.ci95 !== null)).toBe(true);
  });

  it("plan --jobs 2 (comparison runs and candidates run ahead) answers as --jobs 1", () => {
    // 3 replications and a tight SLO: candidates rejected early and candidates continued, both run ahead.
    const args = ["--users", "60", "--replications", "3", "--slo", "api_latency_p95_ms<=70"];
    const [one, two] = [1, 2].map((jobs) =>
      capsim(["plan", SCENARIO, ...args, "--jobs", String(jobs), "--json", "--no-progress"]),
    );
    expect(one!.code, one!.stderr).toBe(0);
    expect(two!.code, two!.stderr).toBe(0);
    const plan = JSON.parse(two!.stdout);
    expect(plan).toEqual(JSON.parse(one!.stdout));
    const candidates = plan.simulations.filter((s: { role: string }) => s.role === "candidate");
    expect(new Set(candidates.map((s: { replications: number }) => s.replications))).toEqual(new Set([2, 3]));
  });

  it("calibrate --jobs 2 (its starting simplex evaluated together) writes the model --jobs 1 writes", () => {
    const measured = join(ROOT, "test/fixtures/measured/capsim-figures.yaml");
    const fits = ["--fit", "database.background_vcpu", "--fit", "coderd.connection_cpu_vcpu"];
    const [one, two] = [1, 2].map((jobs) => {
      const out = join(dir, `fit-${jobs}.yaml`);
      const r = capsim([
        "calibrate",
        SCENARIO,
        measured,
        ...fits,
        "--max-evals",
        "6",
        "--out",
        out,
        "--jobs",
        String(jobs),
        "--no-progress",
      ]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, "utf8").replace(/fit-[12]/g, "fit");
    });
    expect(two).toBe(one);
    expect(one).toContain("background_vcpu");
  });

  it("a progress callback only splits the run into steps: the result is the same", () => {
    const loaded = loadScenario(SCENARIO);
    const model = loadModel(loaded.scenario.model, loaded.file).model;
    const quiet = runReplication(loaded.scenario, model, 11);
    const fractions: number[] = [];
    const stepped = runReplication(loaded.scenario, model, 11, (f) => fractions.push(f));
    expect(fractions.length).toBeGreaterThan(10);
    expect(stepped.events).toBe(quiet.events);
    expect(stepped.figures).toEqual(quiet.figures);
    expect(stepped.metrics.series.map((s) => Array.from(s.values))).toEqual(
      quiet.metrics.series.map((s) => Array.from(s.values)),
    );
  });
});

describe("prediction draws and sensitivity points on the pool", () => {
  // The shipped model has `uncertainty:` ranges; the small report scenario made smaller still.
  const SHIPPED = join(ROOT, "test/fixtures/report/small-run.yaml");
  const SETS = ["--set", "workload.users=60", "--set", "workload.workspaces=60"];
  const withoutWall = (json: string): unknown =>
    JSON.parse(json, (key, value) => (key === "wall_seconds" ? undefined : value));

  it("run's 90% predictions are the same with --jobs 1 and --jobs 2", () => {
    const [one, two] = [1, 2].map((jobs) => {
      const r = capsim([
        "run",
        SHIPPED,
        ...SETS,
        "--replications",
        "2",
        "--prediction-draws",
        "3",
        "--jobs",
        String(jobs),
        "--json",
        "--out",
        join(dir, `pred-${jobs}`),
      ]);
      expect(r.code, r.stderr).toBe(0);
      return withoutWall(r.stdout) as { metrics: { prediction: unknown }[] };
    });
    expect(one!.metrics.some((m) => m.prediction !== null)).toBe(true);
    expect(two).toEqual(one);
  });

  it("sensitivity ranks the same with --jobs 1 and --jobs 2", () => {
    const [one, two] = [1, 2].map((jobs) => {
      const r = capsim([
        "sensitivity",
        SHIPPED,
        ...SETS,
        "--trajectories",
        "1",
        "--jobs",
        String(jobs),
        "--json",
        "--no-progress",
      ]);
      expect(r.code, r.stderr).toBe(0);
      return withoutWall(r.stdout);
    });
    expect(two).toEqual(one);
  });
});

describe("several runs started as one batch", () => {
  // dist/, because the pool's workers load compiled JS; one-replication runs, as sensitivity points are.
  const load = async () => {
    const parallel = await import(join(ROOT, "dist/run/parallel.js"));
    const { loadScenario: loadDist } = await import(join(ROOT, "dist/scenario/index.js"));
    const { loadModel: loadModelDist } = await import(join(ROOT, "dist/model/loadModel.js"));
    const loaded = loadDist(SCENARIO);
    const model = loadModelDist(loaded.scenario.model, loaded.file).model;
    const groups = [1, 2, 3, 4].map((seed) =>
      parallel.replicationTasks(loaded.scenario, model, 1, () => seed),
    );
    return { parallel, groups };
  };
  const eventsOf = (started: { results(): { events: number }[] }[]) =>
    started.map((s) => s.results()[0]!.events);

  it("the calling thread runs queued runs of the batch while it waits, with the same results", async () => {
    const { parallel, groups } = await load();
    const before = parallel.tasksRunHere();
    const together = eventsOf(parallel.startTaskGroups(groups, 2));
    expect(parallel.tasksRunHere() - before).toBeGreaterThan(0);
    expect(together).toEqual(eventsOf(parallel.startTaskGroups(groups, 1)));
  });

  it("started run by run, the calling thread runs the other runs' queued tasks while it waits", async () => {
    const { parallel, groups } = await load();
    const before = parallel.tasksRunHere();
    const apart = eventsOf(groups.map((tasks: unknown[]) => parallel.startTasks(tasks, 2)));
    expect(parallel.tasksRunHere() - before).toBeGreaterThan(0);
    expect(apart).toEqual(eventsOf(parallel.startTaskGroups(groups, 1)));
  });

  it("started as run-ahead work of rank 0, queued runs are run by a caller that has none of its own queued", async () => {
    const { parallel, groups } = await load();
    const before = parallel.tasksRunHere();
    const ahead = groups.map((tasks: unknown[]) => parallel.startTasks(tasks, 2, 0));
    expect(eventsOf(ahead)).toEqual(eventsOf(parallel.startTaskGroups(groups, 1)));
    expect(parallel.tasksRunHere() - before).toBeGreaterThan(0);
  });

  it("run-ahead work past rank 0 is left to idle workers: a waiting caller never runs it", async () => {
    const { parallel, groups } = await load();
    const [first, ...rest] = groups.map((tasks: unknown[], i: number) =>
      parallel.startTasks(tasks, 2, i + 1),
    );
    const before = parallel.tasksRunHere();
    // The first run is on the worker; the caller waits for it instead of starting later ranks' runs.
    eventsOf([first]);
    expect(parallel.tasksRunHere() - before).toBe(0);
    for (const s of rest) s.withdraw();
  });

  it("withdrawn run-ahead work that was still queued never runs", async () => {
    const { parallel, groups } = await load();
    const [first, ...rest] = groups.map((tasks: unknown[]) => parallel.startTasks(tasks, 2, 0));
    for (const s of rest) s.withdraw();
    const before = parallel.tasksRunHere();
    // The first run is on the worker; the withdrawn ones are not queued for this thread to pick up.
    eventsOf([first]);
    expect(parallel.tasksRunHere() - before).toBe(0);
  });

  it("a withdrawn run a worker was already running leaves no reply held", async () => {
    const { parallel, groups } = await load();
    // Rank 1, so the caller leaves it: the idle worker takes it at once.
    const first = parallel.startTasks(groups[0], 2, 1);
    first.withdraw();
    // A one-replication run of this fixture takes milliseconds: by then the worker has replied.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Waiting on another run takes in every reply that came back.
    eventsOf([parallel.startTasks(groups[1], 2)]);
    expect(parallel.repliesHeld()).toBe(0);
  });
});

describe("points summarised where they run", () => {
  /** Paths of the typed arrays (series) anywhere in a value. */
  const seriesIn = (v: unknown, path = ""): string[] =>
    ArrayBuffer.isView(v) || v instanceof ArrayBuffer
      ? [path]
      : v && typeof v === "object"
        ? Object.entries(v).flatMap(([k, x]) => seriesIn(x, `${path}.${k}`))
        : [];
  const withoutWall = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (key, value) => (key === "wall_seconds" ? undefined : value));

  it("only each point's outcome comes back from the pool, no series, the same as evaluatePoint's", async () => {
    const parallel = await import(join(ROOT, "dist/run/parallel.js"));
    const { evaluatePoint } = await import(join(ROOT, "dist/sweep/evaluate.js"));
    const { loadScenario: loadDist } = await import(join(ROOT, "dist/scenario/index.js"));
    const { loadModel: loadModelDist } = await import(join(ROOT, "dist/model/loadModel.js"));
    const loaded = loadDist(SCENARIO);
    const model = loadModelDist(loaded.scenario.model, loaded.file);
    const points = [1, 2, 3, 4].map((seed, index) => ({
      index,
      loaded,
      model,
      replications: 1 + (seed % 2),
      seed,
    }));
    const before = parallel.tasksRunHere();
    const outcomes = parallel.startPoints(points, 2).map((s: { results(): unknown[] }) => s.results()[0]);
    expect(parallel.tasksRunHere() - before).toBeGreaterThan(0);
    expect(outcomes.flatMap((o: unknown) => seriesIn(o))).toEqual([]);
    expect(withoutWall(outcomes)).toEqual(withoutWall(points.map((p) => evaluatePoint(p))));
  });
});

describe("jobs within the memory budget", () => {
  it("runs no more replications at once than --max-memory-gb holds, and at least one", () => {
    const { loaded, model } = loadScenarioAndModel(SCENARIO);
    const estimate = estimateRun(loaded.scenario, model.model, 3);
    const perReplication = estimate.jobBytes;
    const gb = (bytes: number) => bytes / 2 ** 30;
    const budget = (bytes: number) => ({ maxMemoryGb: gb(bytes), maxHours: 24 });
    expect(jobsWithinMemory(estimate, budget(estimate.memoryBytes + 10 * perReplication), 4)).toBe(4);
    expect(jobsWithinMemory(estimate, budget(estimate.memoryBytes + 1.5 * perReplication), 4)).toBe(2);
    expect(jobsWithinMemory(estimate, budget(estimate.memoryBytes), 4)).toBe(1);
    expect(jobsWithinMemory(estimate, budget(estimate.memoryBytes / 2), 4)).toBe(1);
  });
});

describe("errors from worker threads", () => {
  it("an error in a worker is rethrown here with the name and message it has in this thread", async () => {
    const { WorkerPool } = await import(join(ROOT, "dist/sweep/workerPool.js"));
    const loaded = loadScenario(SCENARIO);
    const model = loadModel(loaded.scenario.model, loaded.file).model;
    // A scenario without stages makes the model fail at run time, as a bug would.
    const broken: SimulationTask = {
      kind: "replication",
      scenario: { ...loaded.scenario, workload: undefined as never },
      model,
      seed: 1,
    };
    let here: Error | undefined;
    try {
      runTask(broken);
    } catch (error) {
      here = error as Error;
    }
    expect(here).toBeInstanceOf(Error);
    const pool = new WorkerPool(1, true);
    try {
      const ticket = pool.submitSync(broken);
      expect(() => pool.awaitSync(ticket)).toThrow(here!.message);
      let there: Error | undefined;
      try {
        pool.awaitSync(pool.submitSync(broken));
      } catch (error) {
        there = error as Error;
      }
      expect(there?.name).toBe(here!.name);
      // The pool still works after a failed task.
      const good = pool.awaitSync(pool.submitSync({ ...broken, scenario: loaded.scenario }));
      expect(good.events).toBe(runTask({ ...broken, scenario: loaded.scenario }).events);
    } finally {
      await pool.close();
    }
  });

  it("bad input stays bad input (exit 2) and a system error keeps its code across the thread boundary", () => {
    const input = new InputError({
      file: "m.yaml",
      line: 3,
      col: 4,
      path: "a.b",
      message: "expected a number",
    });
    const back = reviveFailure(structuredClone(taskFailure(input)));
    expect(back).toBeInstanceOf(InputError);
    expect(back.message).toBe(input.message);
    expect((back as InputError).issues).toEqual(input.issues);
    const sys = Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC", syscall: "write" });
    const sysBack = reviveFailure(structuredClone(taskFailure(sys))) as NodeJS.ErrnoException;
    expect([sysBack.code, sysBack.syscall, sysBack.message]).toEqual(["ENOSPC", "write", sys.message]);
  });
});
