import type { LoadedScenario } from "../scenario/index.js";
import type { Assessment } from "./checks.js";
import { type SearchContext, type Simulated, simulate } from "./simulate.js";

/** Replications a plan run or limit value is first simulated on: the fewest with a t-interval, if fewer than all. */
export function earlyReplications(replications: number): number | undefined {
  return replications >= 3 ? 2 : undefined;
}

/** Some check fails with its whole 95 % CI on the failing side: more replications would not save it. */
export function failsClearly(a: Assessment): boolean {
  return a.failing.some((c) => c.clear && c.ci !== null);
}

/**
 * A sequential test over replications: simulates a plan run or limit value on its `first` replications
 * and rejects it there if it fails clearly; otherwise simulates the rest and assesses all of them, exactly
 * as `simulate` does (a replication's seed depends only on its index, so the first ones are reused).
 * A passing verdict always rests on every replication.
 */
export function simulateSequentially(ctx: SearchContext, loaded: LoadedScenario, first: number): Simulated {
  const early = simulate(ctx, loaded, first);
  return failsClearly(early.assessment) ? early : simulate(ctx, loaded);
}

/** The note beside a run rejected on `used` of `replications` replications; empty for a run on all. */
export function earlyRejectNote(used: number, replications: number): string {
  return used < replications
    ? ` (rejected after ${used} of ${replications} replications: clear failure)`
    : "";
}
