import { defaultJobs } from "../run/parallel.js";
import { runScenario, startScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { pointOutcome } from "../sweep/evaluate.js";
import type { SearchContext } from "./simulate.js";

type RunAhead = Required<Pick<SearchContext, "evaluate" | "prefetch">>;

/**
 * A search that simulates ahead: `prefetch` hands a variant's replications to idle workers at once, and
 * `evaluate` collects them when the search reaches that variant (or starts them then). A variant's
 * result does not depend on when or where it ran, so the search decides exactly as it would in one
 * thread; what it never reaches is simulated for nothing, which only costs idle cores.
 * With one job (or no worker threads) it is undefined: the search runs each variant when it gets there.
 */
export function runAhead(ctx: Pick<SearchContext, "model" | "replications" | "seed">): RunAhead | undefined {
  if (defaultJobs() <= 1) return undefined;
  const started = new Map<string, ReturnType<typeof startScenario>>();
  const keyOf = (loaded: LoadedScenario) => JSON.stringify(loaded.scenario);
  const opts = { replications: ctx.replications, seed: ctx.seed };
  return {
    prefetch(variants) {
      for (const loaded of variants) {
        const key = keyOf(loaded);
        if (!started.has(key)) started.set(key, startScenario(loaded, ctx.model, opts));
      }
    },
    evaluate(task) {
      const key = keyOf(task.loaded);
      const ahead =
        task.model === ctx.model && task.replications === ctx.replications && task.seed === ctx.seed;
      const pending = ahead ? started.get(key) : undefined;
      started.delete(key);
      const run = runScenario(task.loaded, task.model, {
        replications: task.replications,
        seed: task.seed,
        ...(pending ? { started: pending } : {}),
      });
      return pointOutcome(task.index, run);
    },
  };
}
