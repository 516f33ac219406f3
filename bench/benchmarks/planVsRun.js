// Issue 15: `capsim plan --users N` against one 3-replication `run` of the same scenario at N users
// (workspaces following users, as plan sets them), wall time of the built CLI, measured one after the
// other in this process's session so both see the same machine load. Both are timed as a user runs
// them, default flags (so each includes its default prediction draws). `runOn` says which deployment
// "the same run" is: "scenario" (the scenario's own deployment) or "recommended" (the deployment the
// plan just recommended, or the reference architecture it simulated when it found none: what a user
// runs after planning). `sequential: true` also measures both with --jobs 1 (one thread).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const description =
  "plan --users N vs one 3-replication run at N users (wall time, built CLI); the run on the scenario's deployment, or on the one plan recommends (the reference architecture if none)";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** CPU seconds of this process's waited-for children (/proc/self/stat cutime + cstime); NaN off Linux. */
function childCpuSeconds() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 16 and 17 of stat(5), counted from the state (field 3); in clock ticks, 100 a second on Linux.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

function wall(args, dir) {
  const cpuBefore = childCpuSeconds();
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
  return { seconds, cpu: childCpuSeconds() - cpuBefore, stdout: r.stdout };
}

/** The `--set` overrides that put a plan's JSON deployment into the scenario. */
function deploymentSets(d) {
  const sets = {
    "deployment.coderd.replicas": d.coderd.replicas,
    "deployment.coderd.vcpu": d.coderd.vcpu,
    "deployment.coderd.memory_gb": d.coderd.memory_gb,
    "deployment.database.vcpu": d.database.vcpu,
    "deployment.database.memory_gb": d.database.memory_gb,
    "deployment.provisioners.count": d.provisioners.count,
    "deployment.provisioners.vcpu": d.provisioners.vcpu,
    "deployment.provisioners.memory_gb": d.provisioners.memory_gb,
  };
  return Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
}

export function run({
  scenario = "scaletest-2000",
  users = 3000,
  maxRatio = 2,
  sequential = true,
  runOn = "scenario",
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-bench-plan-"));
  const load = [`--set`, `workload.users=${users}`, `--set`, `workload.workspaces=${users}`];
  const runArgs = (jobs, deployment = []) => [
    "run",
    scenario,
    ...load,
    ...deployment,
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
  try {
    const measured =
      runOn === "recommended"
        ? planThenRun(dir, runArgs, planArgs)
        : bracketed(dir, runArgs, planArgs, sequential);
    return { figures: figuresOf(measured, users, maxRatio) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The run on the scenario's deployment; each plan bracketed by runs of its kind (A B B A) against load drift. */
function bracketed(dir, runArgs, planArgs, sequential) {
  const loadBefore = loadavg()[0];
  const time = (args) => wall(args, dir).seconds;
  const runSeqA = sequential ? time(runArgs(1)) : Number.NaN;
  const runParA = wall(runArgs(undefined), dir);
  const plan = wall(planArgs(undefined), dir);
  const planSeq = sequential ? time(planArgs(1)) : Number.NaN;
  const runParB = wall(runArgs(undefined), dir);
  const runSeqB = sequential ? time(runArgs(1)) : Number.NaN;
  return {
    runName: "run on the scenario's deployment, 3 replications, default jobs, mean of 2",
    run: (runParA.seconds + runParB.seconds) / 2,
    runCpu: (runParA.cpu + runParB.cpu) / 2,
    plan: plan.seconds,
    planCpu: plan.cpu,
    answer: JSON.parse(plan.stdout),
    sequential: sequential ? { run: (runSeqA + runSeqB) / 2, plan: planSeq } : undefined,
    loads: [loadBefore, loadavg()[0]],
  };
}

/** Plan, then the run on what it recommends (its deployment is known only then, so not bracketed). */
function planThenRun(dir, runArgs, planArgs) {
  const loadBefore = loadavg()[0];
  const plan = wall(planArgs(undefined), dir);
  const answer = JSON.parse(plan.stdout);
  const loadBetween = loadavg()[0];
  const chosen = answer.recommended ?? answer.reference_architecture;
  const run = wall(runArgs(undefined, deploymentSets(chosen.deployment)), dir);
  return {
    runName: `run on the ${answer.recommended ? "recommended deployment" : "reference architecture (plan found none)"}, 3 replications, default jobs`,
    run: run.seconds,
    runCpu: run.cpu,
    plan: plan.seconds,
    planCpu: plan.cpu,
    answer,
    chosen,
    loads: [loadBefore, loadBetween, loadavg()[0]],
  };
}

function figuresOf(m, users, maxRatio) {
  const cores = availableParallelism();
  const { answer } = m;
  const figures = [
    { name: `${m.runName} (--jobs ${cores})`, value: m.run, unit: "s" },
    { name: `plan --users ${users}, default jobs (--jobs ${cores})`, value: m.plan, unit: "s" },
    { name: "plan / run (default jobs)", value: m.plan / m.run, unit: "×", target: { max: maxRatio } },
    // CPU time of each process (all its threads): steadier than wall time on a machine shared with other work.
    { name: "run CPU time", value: m.runCpu, unit: "s" },
    { name: "plan CPU time", value: m.planCpu, unit: "s" },
    { name: "plan / run, CPU time", value: m.planCpu / m.runCpu, unit: "×" },
    { name: "simulations plan made", value: answer.simulations?.length ?? Number.NaN, unit: "" },
    // The verdict, so a faster plan can be seen to give the same answer.
    { name: "plan found a deployment (1) or not (0)", value: answer.recommended ? 1 : 0, unit: "" },
    { name: "recommended total vCPU", value: answer.recommended?.total_vcpu ?? Number.NaN, unit: "" },
    { name: "candidates removed by the utilisation law", value: answer.pruned.utilisation_law, unit: "" },
    { name: "candidates removed by MVA", value: answer.pruned.mva, unit: "" },
    { name: "candidates removed by dominance", value: answer.pruned.dominated, unit: "" },
  ];
  if (m.chosen) {
    const d = m.chosen.deployment;
    figures.push(
      { name: "run's deployment: coderd replicas", value: d.coderd.replicas, unit: "" },
      { name: "run's deployment: coderd vCPU each", value: d.coderd.vcpu, unit: "" },
      { name: "run's deployment: database vCPU", value: d.database.vcpu, unit: "" },
      { name: "run's deployment: provisioners", value: d.provisioners.count, unit: "" },
    );
  }
  if (m.sequential) {
    const s = m.sequential;
    figures.push(
      { name: "run, --jobs 1 (one thread, as before), mean of 2", value: s.run, unit: "s" },
      { name: "plan, --jobs 1 (one thread, as before)", value: s.plan, unit: "s" },
      { name: "plan --jobs 1 / run --jobs 1", value: s.plan / s.run, unit: "×" },
      { name: "run speed-up from worker threads", value: s.run / m.run, unit: "×" },
      { name: "plan speed-up from worker threads", value: s.plan / m.plan, unit: "×" },
    );
  }
  const when = m.loads.length === 3 ? ["before", "between plan and run", "after"] : ["before", "after"];
  m.loads.forEach((l, i) => {
    figures.push({ name: `load average (1 min) ${when[i]}`, value: l, unit: "" });
  });
  return figures;
}
