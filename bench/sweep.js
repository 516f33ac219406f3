// The sweep benchmark of issue 5, through the built CLI as a user runs it:
//  - throughput of 1 vs 2 worker threads on identical points (scaletest-2000 at 2000 users, seeds 1..n);
//  - wall time of a 40-point sweep of scaletest-2000 (users 500..6000, 3 replications, 2 workers):
//    measured with mode "full", or (default, "estimate") extrapolated from one replication at a few
//    user counts: time(users) fitted as a + b·users, summed over the 40 points x 3 replications and
//    divided by the measured 2-worker speedup. Throughputs exclude the fixed start-up cost of a sweep.
// Standalone: `node bench/sweep.js [--full] [--json]` after `npm run build`. As a registry entry:
//   { id: "sweep", module: "./sweep.js", params: { mode: "estimate" } }  (run it with --runs 1: minutes each).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

export const description = "capsim sweep of scaletest-2000: 40-point wall time, and 1 vs 2 worker throughput";

/** Runs `capsim sweep` and returns its wall time in seconds. */
function timedSweep(dir, name, args) {
  const out = join(dir, `${name}.csv`);
  const start = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [CLI, "sweep", "scaletest-2000", ...args, "--out", out, "--overwrite", "--no-progress"],
    { encoding: "utf8", env: { ...process.env, CI: "true" } },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0)
    throw new Error(`capsim sweep ${args.join(" ")} exited ${child.status}: ${child.stderr}`);
  return seconds;
}

/** The 40 user counts of the sweep: evenly spread from minUsers to maxUsers, whole numbers. */
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
    const identical = [
      "--set",
      `workload.users=${throughputUsers}`,
      "--set",
      `workload.workspaces=${throughputUsers}`,
      "--vary",
      `seed=1..${throughputPoints}`,
      "--replications",
      "1",
    ];
    // Fixed cost of a sweep (node start, loading, workers, column probe): a run with no users.
    const overhead = timedSweep(dir, "empty", [
      "--set",
      "workload.users=0",
      "--set",
      "workload.workspaces=0",
      "--replications",
      "1",
      "--jobs",
      "1",
    ]);
    const oneWorker = timedSweep(dir, "jobs1", [...identical, "--jobs", "1"]) - overhead;
    const twoWorkers = timedSweep(dir, "jobs2", [...identical, "--jobs", "2"]) - overhead;
    const speedup = oneWorker / twoWorkers;
    const figures = [
      { name: "fixed cost of a sweep (start-up)", value: overhead, unit: "s" },
      { name: "throughput, 1 worker", value: (throughputPoints / oneWorker) * 3600, unit: "points/h" },
      { name: "throughput, 2 workers", value: (throughputPoints / twoWorkers) * 3600, unit: "points/h" },
      { name: "speedup 2 vs 1 workers", value: speedup, unit: "×", target: { min: minSpeedup } },
    ];
    let sweepSeconds;
    if (mode === "full") {
      sweepSeconds = timedSweep(dir, "full", [
        "--vary",
        `workload.users=${users.join(",")}`,
        "--replications",
        String(replications),
        "--jobs",
        "2",
      ]);
    } else {
      // One replication per sample, alone on a worker: the cost of a replication at that many users.
      const perReplication = sampleUsers.map(
        (u) =>
          timedSweep(dir, `sample-${u}`, [
            "--vary",
            `workload.users=${u}`,
            "--replications",
            "1",
            "--jobs",
            "1",
          ]) - overhead,
      );
      const line = fitLine(sampleUsers, perReplication);
      const serial = users.reduce((sum, u) => sum + replications * (line.intercept + line.slope * u), 0);
      sweepSeconds = overhead + serial / speedup;
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
