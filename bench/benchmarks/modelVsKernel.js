// Issue 15: the 2000-user scenario's events per second as a share of the M/M/4 kernel's, measured in one
// process one after the other (so both see the same machine load).
import { run as mm4 } from "./mm4Kernel.js";
import { run as scenario } from "./scenarioRun.js";

export const description = "scaletest-2000 events/s as % of the M/M/4 kernel's, same process";

const figure = (result, name) => result.figures.find((f) => f.name === name).value;

export function run({ customers = 1_000_000, minPercent = 40 } = {}) {
  const kernelRun = mm4({ customers });
  const modelRun = scenario({ scenario: "scaletest-2000", maxWallSeconds: Infinity, maxRssMiB: Infinity });
  const kernel = figure(kernelRun, "events/s");
  const model = figure(modelRun, "events/s");
  const kernelCpu = figure(kernelRun, "events per CPU second");
  const modelCpu = figure(modelRun, "events per CPU second");
  return {
    figures: [
      { name: "M/M/4 kernel events/s", value: kernel, unit: "events/s" },
      { name: "scaletest-2000 events/s", value: model, unit: "events/s" },
      { name: "model / kernel", value: (100 * model) / kernel, unit: "%", target: { min: minPercent } },
      // The same ratio per CPU second: less distorted when other processes share the machine.
      { name: "model / kernel, per CPU second", value: (100 * modelCpu) / kernelCpu, unit: "%" },
    ],
  };
}
