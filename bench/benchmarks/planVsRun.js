// Issue 15: `capsim plan --users N` against one 3-replication `run` of the same scenario at N users
// (workspaces following users, as plan sets them), wall time of the built CLI, measured one after the
// other in this process's session so both see the same machine load. Both are timed as a user runs
// them, default flags (so each includes its default prediction draws). `runOn` says which deployment
// "the same run" is: "scenario" (the scenario's own deployment) or "recommended" (the deployment the
// plan just recommended, or the reference architecture it simulated when it found none: what a user
// runs after planning). `sequential: true` also measures both with --jobs 1 (one thread).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { timedCli } from "../cliTime.js";

export const description =
  "plan --users N vs one 3-replication run at N users (wall time, built CLI); the run on the scenario's deployment, or on the one plan recommends (the reference architecture if none)";

function wall(args, dir) {
  // plan exits 3 when no deployment holds the load: a measured answer, not a failure.
  return timedCli(args, dir, [0, 3]);
}

/** With BENCH_PLAN_JSON=<file>, the plan's whole JSON answer is kept there (what it recommended, and why). */
function keepAnswer(json) {
  if (process.env.BENCH_PLAN_JSON) writeFileSync(process.env.BENCH_PLAN_JSON, json);
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
  sets = [],
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-bench-plan-"));
  // Workspaces follow users 1:1 unless the plan's answer says how many it planned for (it keeps the
  // scenario's ratio: reference/10k has 0.6 workspaces a user).
  const load = (workspaces) => [
    "--set",
    `workload.users=${users}`,
    "--set",
    `workload.workspaces=${workspaces}`,
  ];
  // Scenario overrides both commands take (`sets`: "path=value" strings).
  const scenarioSets = sets.flatMap((s) => ["--set", s]);
  const runArgs = (jobs, deployment = [], workspaces = users) => [
    "run",
    scenario,
    ...scenarioSets,
    ...load(workspaces),
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
    ...scenarioSets,
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
  keepAnswer(plan.stdout);
  const answer = JSON.parse(plan.stdout);
  const loadBetween = loadavg()[0];
  const chosen = answer.recommended ?? answer.reference_architecture;
  const run = wall(runArgs(undefined, deploymentSets(chosen.deployment), answer.workspaces), dir);
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
    // The search's own simulations (the rest are the rules and reference comparison runs).
    {
      name: "of which search candidates",
      value: answer.simulations?.filter((s) => s.role === "candidate").length ?? Number.NaN,
      unit: "",
    },
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
