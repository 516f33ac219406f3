// sha256 of one replication's JSON result (wallSeconds removed): the bit-identity check for speed work.
// node bench/replicationHash.js [scenario] [--set k=v ...] [--seed n]   (after npm run build)
import { createHash } from "node:crypto";
import { loadScenarioAndModel } from "../dist/cli/scenarioInput.js";
import { runReplication } from "../dist/model/coderModel.js";

const args = process.argv.slice(2);
const sets = [];
let scenario = "scaletest-2000";
let seed = 1;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--set") sets.push(args[++i]);
  else if (args[i] === "--seed") seed = Number(args[++i]);
  else scenario = args[i];
}
const { loaded, model } = loadScenarioAndModel(scenario, sets);
const start = process.hrtime.bigint();
const rep = runReplication(loaded.scenario, model.model, seed);
const wall = Number(process.hrtime.bigint() - start) / 1e9;
// databaseCpuBySource is read from the run (pure reads, no event of its own): left out, the hash is the run's.
const { wallSeconds: _, databaseCpuBySource: _bySource, ...rest } = rep;
const hash = createHash("sha256").update(JSON.stringify(rest)).digest("hex");
const cpu = process.cpuUsage();
console.log(
  `${hash}  ${scenario} ${sets.join(" ")} seed=${seed} events=${rep.events} wall=${wall.toFixed(3)}s cpu=${((cpu.user + cpu.system) / 1e6).toFixed(3)}s`,
);
