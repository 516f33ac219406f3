import { defaultJobs, joinStarted, type StartedReplications } from "../run/parallel.js";
import { runScenario, startScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { pointOutcome } from "../sweep/evaluate.js";
import type { SearchContext } from "./simulate.js";

type RunAhead = Pick<SearchContext, "evaluate" | "prefetch">;

/** A variant's replications started so far: the first `count`. */
interface Started {
  count: number;
  started: StartedReplications;
}

/**
 * A search that simulates ahead: `prefetch` hands variants' first replications to idle workers at once
 * (more of a variant started earlier; it lets go of those it no longer lists), and `evaluate` collects
 * them when the search reaches that variant (starting any it asks for beyond them then). A variant's
 * result does not depend on when or where it ran, so the search decides exactly as it would in one
 * thread; what it never reaches was simulated on a core that would otherwise have idled. A variant
 * evaluated on fewer replications than the search's keeps them until the next evaluation, which extends
 * it if it asks for more of the same variant (src/plan/earlyReject.ts). With one job (or no worker
 * threads) there is no `prefetch`: each variant runs when the search gets there.
 */
export function runAhead(ctx: Pick<SearchContext, "model" | "replications" | "seed">): RunAhead {
  const started = new Map<string, Started>();
  let partial: string | undefined;
  const keyOf = (loaded: LoadedScenario) => JSON.stringify(loaded.scenario);
  const start = (loaded: LoadedScenario, from: Started | undefined, replications: number, ahead = false) => {
    // More replications than asked for are let go (never the case in plan's search).
    if (from && from.count > replications) from.started.withdraw();
    const have = from && from.count <= replications ? from : undefined;
    if (have?.count === replications) return have;
    const opts = { replications, seed: ctx.seed, from: have?.count ?? 0, ahead };
    const rest = startScenario(loaded, ctx.model, opts);
    return { count: replications, started: have ? joinStarted(have.started, rest) : rest };
  };
  const prefetch: SearchContext["prefetch"] = (ahead) => {
    const keys = ahead.map((a) => keyOf(a.loaded));
    // What the search no longer expects to simulate is let go: its queued replications never run.
    for (const [key, s] of started) {
      if (keys.includes(key)) continue;
      s.started.withdraw();
      started.delete(key);
    }
    partial = undefined;
    ahead.forEach(({ loaded, replications }, i) => {
      const have = started.get(keys[i]!);
      if (!have || have.count < replications) started.set(keys[i]!, start(loaded, have, replications, true));
    });
  };
  return {
    ...(defaultJobs() > 1 ? { prefetch } : {}),
    evaluate(task) {
      const key = keyOf(task.loaded);
      const replications = task.replications ?? task.loaded.scenario.replications;
      const ahead = task.model === ctx.model && task.seed === ctx.seed;
      const run = start(task.loaded, ahead ? started.get(key) : undefined, replications);
      started.delete(key);
      // Only the last variant evaluated on fewer replications may be extended: earlier ones are let go.
      if (partial !== undefined) started.delete(partial);
      partial = undefined;
      if (ahead && replications < ctx.replications) {
        started.set(key, run);
        partial = key;
      }
      const output = runScenario(task.loaded, task.model, {
        replications,
        seed: task.seed,
        started: run.started,
      });
      return pointOutcome(task.index, output);
    },
  };
}
