// Issue 15: `capsim plan --users N` against one 3-replication `run` of the same scenario at N users
// (workspaces following users, as plan sets them), wall time of the built CLI, measured one after the
// other in this process's session so both see the same machine load. `sequential: true` also measures
// both with --jobs 1 (one thread: what capsim did before worker threads; the same code path).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const description = "plan --users N vs one 3-replication run at N users (wall time, built CLI)";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

function wall(args, dir) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 2 ** 20,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // plan exits 3 when no deployment holds the load: a measured answer, not a failure.
  if (r.status !== 0 && r.status !== 3)
    throw new Error(`capsim ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

export function run({ scenario = "scaletest-2000", users = 3000, maxRatio = 2, sequential = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-bench-plan-"));
  const load = [`--set`, `workload.users=${users}`, `--set`, `workload.workspaces=${users}`];
  const runArgs = (jobs) => [
    "run",
    scenario,
    ...load,
    "--replications",
    "3",
    "--no-progress",
    "--out",
    join(dir, `run-${jobs}`),
    ...(jobs ? ["--jobs", String(jobs)] : []),
  ];
  const planArgs = (jobs) => [
    "plan",
    scenario,
    "--users",
    String(users),
    "--json",
    "--no-progress",
    ...(jobs ? ["--jobs", String(jobs)] : []),
  ];
  const loadBefore = loadavg()[0];
  try {
    const cores = availableParallelism();
    const time = (args) => wall(args, dir).seconds;
    // Under a varying machine load, each plan is bracketed by runs of the same kind (A B B A), and
    // the run time is the mean of its two measurements.
    const runSeqA = sequential ? time(runArgs(1)) : Number.NaN;
    const runParA = time(runArgs(undefined));
    const plan = wall(planArgs(undefined), dir);
    const planSeq = sequential ? time(planArgs(1)) : Number.NaN;
    const runParB = time(runArgs(undefined));
    const runSeqB = sequential ? time(runArgs(1)) : Number.NaN;
    const runPar = (runParA + runParB) / 2;
    const runSeq = (runSeqA + runSeqB) / 2;
    const answer = JSON.parse(plan.stdout);
    const figures = [
      { name: `run, 3 replications, --jobs ${cores} (default), mean of 2`, value: runPar, unit: "s" },
      { name: `plan --users ${users}, --jobs ${cores} (default)`, value: plan.seconds, unit: "s" },
      {
        name: "plan / run (default jobs)",
        value: plan.seconds / runPar,
        unit: "×",
        target: { max: maxRatio },
      },
      { name: "simulations plan made", value: answer.simulations?.length ?? Number.NaN, unit: "" },
      // The verdict, so a faster plan can be seen to give the same answer.
      { name: "recommended total vCPU", value: answer.recommended?.total_vcpu ?? Number.NaN, unit: "" },
      { name: "candidates removed by the utilisation law", value: answer.pruned.utilisation_law, unit: "" },
      { name: "candidates removed by MVA", value: answer.pruned.mva, unit: "" },
      { name: "candidates removed by dominance", value: answer.pruned.dominated, unit: "" },
    ];
    if (sequential) {
      figures.push(
        { name: "run, --jobs 1 (one thread, as before), mean of 2", value: runSeq, unit: "s" },
        { name: "plan, --jobs 1 (one thread, as before)", value: planSeq, unit: "s" },
        { name: "plan --jobs 1 / run --jobs 1", value: planSeq / runSeq, unit: "×" },
        { name: "run speed-up from worker threads", value: runSeq / runPar, unit: "×" },
        { name: "plan speed-up from worker threads", value: planSeq / plan.seconds, unit: "×" },
      );
    }
    figures.push(
      { name: "load average (1 min) before", value: loadBefore, unit: "" },
      { name: "load average (1 min) after", value: loadavg()[0], unit: "" },
    );
    return { figures };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
