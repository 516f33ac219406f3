// Issue 15: the 2000-user scenario's events per second as a share of the M/M/4 kernel's, measured in one
// process one after the other (so both see the same machine load).
import { run as mm4 } from "./mm4Kernel.js";
import { run as scenario } from "./scenarioRun.js";

export const description = "scaletest-2000 events/s as % of the M/M/4 kernel's, same process";

const figure = (result, name) => result.figures.find((f) => f.name === name).value;

export function run({ customers = 1_000_000, minPercent = 40 } = {}) {
  const kernel = figure(mm4({ customers }), "events/s");
  const model = figure(
    scenario({ scenario: "scaletest-2000", maxWallSeconds: Infinity, maxRssMiB: Infinity }),
    "events/s",
  );
  return {
    figures: [
      { name: "M/M/4 kernel events/s", value: kernel, unit: "events/s" },
      { name: "scaletest-2000 events/s", value: model, unit: "events/s" },
      { name: "model / kernel", value: (100 * model) / kernel, unit: "%", target: { min: minPercent } },
    ],
  };
}
