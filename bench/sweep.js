// The sweep benchmark of issue 5, on the built sweep engine (dist/sweep) with its worker threads:
//  - throughput of 1 vs 2 workers on identical points (scaletest-2000 at 2000 users, seeds 1..n, one
//    replication each), with the CPU the process used per second of wall time: about 1 and 2 on an
//    idle machine, less when other processes take cores (then the wall-time speedup understates);
//  - wall time of a 40-point sweep of scaletest-2000 (users 500..6000, 3 replications, 2 workers):
//    measured with mode "full", or (default, "estimate") extrapolated from one replication at a few
//    user counts: time(users) fitted as a + b·users, summed over 40 points x 3 replications and
//    divided by the measured 2-worker speedup.
// Standalone: `node bench/sweep.js [--full] [--json]` after `npm run build`. As a bench/registry.js entry:
//   { id: "sweep", module: "./sweep.js", params: { mode: "estimate" } }  (minutes per run: use --runs 1).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenarioAndModel } from "../dist/cli/scenarioInput.js";
import { gridPoints, parseAxes } from "../dist/sweep/grid.js";
import { loadLink } from "../dist/sweep/linkedLoad.js";
import { loadPoints } from "../dist/sweep/pointScenario.js";
import { runSweep } from "../dist/sweep/runSweep.js";
import { WorkerPool } from "../dist/sweep/workerPool.js";

export const description = "capsim sweep of scaletest-2000: 40-point wall time, and 1 vs 2 worker throughput";

/** Runs a sweep of scaletest-2000 in this process: wall seconds, CPU seconds (all threads), seconds by point. */
async function timedSweep(dir, name, { vary, sets = [], replications, jobs }) {
  const { loaded, model } = loadScenarioAndModel("scaletest-2000", sets);
  const axes = parseAxes(vary);
  const link = loadLink(
    loaded,
    sets,
    axes.map((a) => a.path),
  );
  const base = { loaded, model, sets, axes, link };
  const points = loadPoints(base, gridPoints(axes));
  const runner = new WorkerPool(jobs);
  const perPoint = new Map();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  try {
    await runSweep({
      base,
      points,
      shard: null,
      replications,
      outPath: join(dir, `${name}.csv`),
      resume: false,
      overwrite: true,
      runner,
      onPoint: (p, r) => {
        if (r.error) throw new Error(`point ${p.point.index} failed: ${r.error}`);
        perPoint.set(p.point.index, r.outcome.summary.wall_seconds);
      },
    });
  } finally {
    await runner.close();
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, perPoint };
}

/** The user counts of the sweep: evenly spread from minUsers to maxUsers, whole numbers. */
export function sweepUsers(points, minUsers, maxUsers) {
  return Array.from({ length: points }, (_, i) =>
    Math.round(minUsers + (i * (maxUsers - minUsers)) / (points - 1)),
  );
}

/** Least-squares line through (x, y). */
function fitLine(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

export async function run({
  mode = "estimate",
  points = 40,
  replications = 3,
  minUsers = 500,
  maxUsers = 6000,
  sampleUsers = [500, 2333, 4167, 6000],
  throughputPoints = 4,
  throughputUsers = 2000,
  minSpeedup = 1.8,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-bench-sweep-"));
  try {
    const users = sweepUsers(points, minUsers, maxUsers);
    const identical = {
      vary: [`seed=1..${throughputPoints}`],
      sets: [`workload.users=${throughputUsers}`, `workload.workspaces=${throughputUsers}`],
      replications: 1,
    };
    const one = await timedSweep(dir, "jobs1", { ...identical, jobs: 1 });
    const two = await timedSweep(dir, "jobs2", { ...identical, jobs: 2 });
    const speedup = one.wall / two.wall;
    const figures = [
      { name: "throughput, 1 worker", value: (throughputPoints / one.wall) * 3600, unit: "points/h" },
      { name: "throughput, 2 workers", value: (throughputPoints / two.wall) * 3600, unit: "points/h" },
      { name: "speedup 2 vs 1 workers", value: speedup, unit: "×", target: { min: minSpeedup } },
      { name: "CPU per wall second, 1 worker", value: one.cpu / one.wall, unit: "" },
      { name: "CPU per wall second, 2 workers", value: two.cpu / two.wall, unit: "" },
      // Equal CPU per point means no serialisation: on two free cores 2 workers run at twice the rate.
      { name: "CPU per point, 1 worker", value: one.cpu / throughputPoints, unit: "s" },
      { name: "CPU per point, 2 workers", value: two.cpu / throughputPoints, unit: "s" },
    ];
    let sweepSeconds;
    if (mode === "full") {
      const full = await timedSweep(dir, "full", {
        vary: [`workload.users=${users.join(",")}`],
        replications,
        jobs: 2,
      });
      sweepSeconds = full.wall;
    } else {
      // One replication per sample user count, one worker: the cost of a replication there.
      const sample = await timedSweep(dir, "sample", {
        vary: [`workload.users=${sampleUsers.join(",")}`],
        replications: 1,
        jobs: 1,
      });
      const perReplication = sampleUsers.map((_, i) => sample.perPoint.get(i));
      const line = fitLine(sampleUsers, perReplication);
      const serial = users.reduce((sum, u) => sum + replications * (line.intercept + line.slope * u), 0);
      sweepSeconds = serial / speedup;
      for (const [i, u] of sampleUsers.entries()) {
        figures.push({ name: `1 replication at ${u} users`, value: perReplication[i], unit: "s" });
      }
    }
    figures.push({
      name: `${points}-point sweep, ${replications} replications, 2 workers (${mode === "full" ? "measured" : "estimated"})`,
      value: sweepSeconds,
      unit: "s",
    });
    return { figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const result = await run({ mode: args.includes("--full") ? "full" : "estimate" });
  if (args.includes("--json")) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else
    for (const f of result.figures) process.stdout.write(`${f.name}: ${f.value.toPrecision(4)} ${f.unit}\n`);
}
