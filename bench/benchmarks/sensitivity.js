// Issue 15: `capsim sensitivity` of a scenario over the model's uncertain parameters (default
// trajectories, default jobs: its points run on the worker pool), timed as a user runs it. The target
// is wall time; CPU time (all the child's threads) and the load average are beside it because the
// machine is shared.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { timedCli } from "../cliTime.js";

export const description =
  "capsim sensitivity --json of a scenario, default trajectories and jobs (built CLI): wall and CPU time";

export function run({ scenario = "scaletest-2000", maxWallSeconds = 300 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "capsim-bench-sensitivity-"));
  try {
    const loadBefore = loadavg()[0];
    const t = timedCli(["sensitivity", scenario, "--json", "--no-progress"], dir);
    const loadAfter = loadavg()[0];
    const result = JSON.parse(t.stdout);
    return {
      figures: [
        { name: "wall time", value: t.seconds, unit: "s", target: { max: maxWallSeconds } },
        { name: "CPU time (all threads)", value: t.cpu, unit: "s" },
        // Near the core count when the pool keeps every core busy; lower on a loaded machine.
        { name: `CPU s per wall s (cores: ${availableParallelism()})`, value: t.cpu / t.seconds, unit: "" },
        { name: "simulations (trajectories x (parameters + 1))", value: result.evaluations, unit: "" },
        { name: "CPU s per simulation", value: t.cpu / result.evaluations, unit: "s" },
        { name: "parameters", value: result.parameters.length, unit: "" },
        { name: "trajectories", value: result.trajectories, unit: "" },
        // The ranking's head, so a faster run can be seen to give the same answer.
        {
          name: `largest mu* (${result.advice?.path ?? "none"})`,
          value: result.advice?.mu_star ?? Number.NaN,
          unit: result.unit,
        },
        { name: "load average (1 min) before", value: loadBefore, unit: "" },
        { name: "load average (1 min) after", value: loadAfter, unit: "" },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
