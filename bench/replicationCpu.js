// CPU seconds of one replication (runReplication only, loading excluded) of a build, seed 1. For before/after
// comparisons on a loaded machine, run two builds' copies alternately in separate processes (A B B A …)
// and compare minimum and median:
//   node bench/replicationCpu.js <tree> [scenario] [--set k=v ...] [--reps n]
// Each line: CPU s of the whole process, then of its main thread and of its other threads (V8's
// concurrent compiles and GC helpers, from /proc/self/task). With --reps n the replication runs n times in
// one process: the first is cold (JIT warm-up included, as in `npm run bench`), the later ones warm.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const [treeArg, ...rest] = process.argv.slice(2);
const tree = resolve(treeArg ?? ".");
const sets = [];
let scenario = "scaletest-2000";
let reps = 1;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === "--set") sets.push(rest[++i]);
  else if (rest[i] === "--reps") reps = Number(rest[++i]);
  else scenario = rest[i];
}

/** CPU seconds of the main thread and of all other threads so far (Linux; NaN elsewhere). */
function threadSeconds() {
  let main = 0;
  let other = 0;
  try {
    for (const task of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      if (Number(task) === process.pid) main += ticks;
      else other += ticks;
    }
  } catch {
    return [Number.NaN, Number.NaN];
  }
  return [main / 100, other / 100]; // USER_HZ is 100 on Linux
}

const { loadScenarioAndModel } = await import(`${tree}/dist/cli/scenarioInput.js`);
const { runReplication } = await import(`${tree}/dist/model/coderModel.js`);
const { loaded, model } = loadScenarioAndModel(scenario, sets);
for (let r = 0; r < reps; r++) {
  const [main0, other0] = threadSeconds();
  const start = process.cpuUsage();
  const rep = runReplication(loaded.scenario, model.model, 1);
  const used = process.cpuUsage(start);
  const [main1, other1] = threadSeconds();
  console.log(
    `${((used.user + used.system) / 1e6).toFixed(3)} s CPU  ${rep.events} events  ${tree}  ` +
      `main thread ${(main1 - main0).toFixed(2)} s, other threads ${(other1 - other0).toFixed(2)} s`,
  );
}
