import { join, resolve } from "node:path";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { evaluatePoint, type PointOutcome, type PointTask } from "../../src/sweep/evaluate.js";
import { gridPoints, parseAxes } from "../../src/sweep/grid.js";
import { type LoadedPoint, loadPoints, type SweepBase } from "../../src/sweep/pointScenario.js";
import type { PointRunner } from "../../src/sweep/workerPool.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** The small sweep fixture over `axis` (e.g. "workload.users=20,30,40"), with one real simulation to replay. */
export function smallSweep(axis: string): { base: SweepBase; points: LoadedPoint[]; outcome: PointOutcome } {
  const { loaded, model } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"), []);
  const axes = parseAxes([axis]);
  const base = { loaded, model, sets: [], axes, link: null };
  const points = loadPoints(base, gridPoints(axes));
  const outcome = evaluatePoint({ index: 0, loaded: points[0]!.loaded, model, replications: 1, seed: 1 });
  return { base, points, outcome };
}

/** A runner that answers every point with `outcome` and records which it ran: tests of the file, not the figures. */
export function replayRunner(outcome: () => PointOutcome, seen: number[] = []): PointRunner {
  return {
    parallelism: 1,
    run: async (task: PointTask) => {
      seen.push(task.index);
      return { ...outcome(), index: task.index };
    },
    close: async () => {},
  };
}
