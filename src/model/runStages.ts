import {
  type ModelComponent,
  type ResourceRow,
  resetWindowStats,
  resourceRows,
} from "./components/component.js";
import type { ModelContext } from "./components/context.js";

/** How often the scale-test runner is checked for a finished prepare once its window is over, seconds. */
const PREPARE_POLL_S = 15;

/**
 * Runs the replication to its end: the test proper waits for prepare, like the runner (a prepare that
 * never finishes is cut at 10x its plan), then the later stages run. Returns the resource statistics over
 * the traffic window (or the whole run when there is no traffic stage).
 */
export function runStages(
  ctx: ModelContext,
  components: readonly ModelComponent[],
  prepareDone: () => boolean,
  onProgress?: (fraction: number) => void,
): ResourceRow[] {
  const { sim, timeline } = ctx;
  const progressStep = onProgress ? timeline.endSeconds / 50 : Number.POSITIVE_INFINITY;
  const runUntil = (t: number): void => {
    while (sim.now < t) {
      sim.run(Math.min(t, sim.now + progressStep));
      onProgress?.(Math.min(1, sim.now / timeline.endSeconds));
    }
  };
  const prepare = timeline.stage("prepare");
  if (prepare) {
    runUntil(prepare.endSeconds);
    const giveUp = prepare.startSeconds + 10 * (prepare.endSeconds - prepare.startSeconds);
    while (!prepareDone() && sim.now < giveUp) runUntil(sim.now + PREPARE_POLL_S);
    timeline.delayAfterPrepare(sim.now);
  }
  for (const c of components) c.afterPrepare?.();
  const traffic = timeline.traffic;
  const atTrafficStart = (action: () => void): void => {
    if (traffic.startSeconds >= sim.now) sim.at(traffic.startSeconds, action);
    else action();
  };
  atTrafficStart(() => resetWindowStats(components));
  for (const c of components) if (c.trafficStarts) atTrafficStart(() => c.trafficStarts!(traffic));
  let resources: ResourceRow[] = [];
  sim.at(traffic.endSeconds, () => {
    resources = resourceRows(components);
  });
  runUntil(timeline.endSeconds);
  return resources.length > 0 ? resources : resourceRows(components);
}
