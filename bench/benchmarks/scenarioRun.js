// One replication of a shipped scenario, all stages, on the built model: the issue-3 speed targets
// (scaletest-2000 <= 5 s wall, reference 10k <= 25 s, peak RSS <= 300 MB on one core).
import { loadScenarioAndModel } from "../../dist/cli/scenarioInput.js";
import { runReplication } from "../../dist/model/coderModel.js";

export const description = "one replication of a shipped scenario, all stages";

export function run({ scenario = "scaletest-2000", maxWallSeconds = 5, maxRssMiB = 300, seed = 1 } = {}) {
  const { loaded, model } = loadScenarioAndModel(scenario);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const rep = runReplication(loaded.scenario, model.model, seed);
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time (all of the process's threads) is what a loaded, shared machine distorts least.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rssMiB = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
  return {
    figures: [
      { name: "wall time (one replication)", value: wallSeconds, unit: "s", target: { max: maxWallSeconds } },
      { name: "events", value: rep.events, unit: "" },
      { name: "events/s", value: rep.events / wallSeconds, unit: "events/s" },
      { name: "CPU time (one replication)", value: cpuSeconds, unit: "s" },
      { name: "events per CPU second", value: rep.events / cpuSeconds, unit: "events/s" },
      { name: "simulated seconds", value: rep.simulatedSeconds, unit: "s" },
      { name: "simulated s per wall s", value: rep.simulatedSeconds / wallSeconds, unit: "×" },
      { name: "peak RSS", value: rssMiB * 2 ** 20, unit: "bytes", target: { max: maxRssMiB * 2 ** 20 } },
    ],
  };
}
