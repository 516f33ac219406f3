import { defaultJobs, joinStarted, type StartedReplications } from "../run/parallel.js";
import { runScenario, startScenario } from "../run/runScenario.js";
import type { LoadedScenario } from "../scenario/index.js";
import { pointOutcome } from "../sweep/evaluate.js";
import type { SearchContext } from "./simulate.js";

type RunAhead = Pick<SearchContext, "evaluate" | "prefetch">;

/** A variant's replications started so far, one by one from the first: any first few can be collected. */
type Started = StartedReplications[];

/**
 * A search that simulates ahead: `prefetch` hands variants' first replications to the workers at once, as
 * run-ahead work an idle worker takes in the hint's order (it lets go of those the hint no longer lists),
 * and `evaluate` collects them when the search reaches that variant (starting any it asks for beyond
 * them then, as the caller's own work, which workers take first). A variant's result does not depend on
 * when or where it ran, so the search decides exactly as it would in one thread; what it never reaches
 * was simulated on a core that would otherwise have idled. A variant evaluated on fewer replications
 * than the search's keeps the rest (started or not) until the next evaluation, which extends it if it
 * asks for more of the same variant (src/plan/earlyReject.ts). With one job (or no worker threads)
 * there is no `prefetch`: each variant runs when the search gets there.
 */
export function runAhead(ctx: Pick<SearchContext, "model" | "replications" | "seed">): RunAhead {
  const started = new Map<string, Started>();
  let partial: string | undefined;
  const keyOf = (loaded: LoadedScenario) => JSON.stringify(loaded.scenario);
  /** `ahead`: the rank of run-ahead work (its place in the hint), undefined for the search's own. */
  const start = (loaded: LoadedScenario, have: Started, replications: number, ahead?: number): Started => {
    const reps = [...have];
    for (let r = reps.length; r < replications; r++)
      reps.push(startScenario(loaded, ctx.model, { replications: r + 1, seed: ctx.seed, from: r, ahead }));
    return reps;
  };
  const letGo = (key: string) => {
    for (const r of started.get(key) ?? []) r.withdraw();
    started.delete(key);
  };
  const prefetch: SearchContext["prefetch"] = (ahead) => {
    const keys = ahead.map((a) => keyOf(a.loaded));
    // What the search no longer expects to simulate is let go: its queued replications never run.
    for (const key of [...started.keys()]) if (!keys.includes(key)) letGo(key);
    partial = undefined;
    // Ranked by their place in the hint, those started already first: idle workers take the likeliest first.
    keys.forEach((key, i) => {
      for (const r of started.get(key) ?? []) r.rerank(i);
    });
    ahead.forEach(({ loaded, replications }, i) => {
      started.set(keys[i]!, start(loaded, started.get(keys[i]!) ?? [], replications, i));
    });
  };
  return {
    ...(defaultJobs() > 1 ? { prefetch } : {}),
    evaluate(task) {
      const key = keyOf(task.loaded);
      const replications = task.replications ?? task.loaded.scenario.replications;
      const ahead = task.model === ctx.model && task.seed === ctx.seed;
      const have = ahead ? started.get(key) : undefined;
      // Replications started ahead with another model or seed are not this run's.
      if (!have) letGo(key);
      started.delete(key);
      const reps = start(task.loaded, have ?? [], replications);
      // Only the last variant evaluated on fewer replications may be extended: earlier ones are let go.
      if (partial !== undefined) letGo(partial);
      partial = undefined;
      const used = reps.slice(0, replications);
      // Now the search waits for them: no longer run-ahead work.
      for (const r of used) r.rerank(undefined);
      if (ahead && replications < ctx.replications) {
        started.set(key, reps);
        partial = key;
      } else for (const r of reps.slice(replications)) r.withdraw();
      const output = runScenario(task.loaded, task.model, {
        replications,
        seed: task.seed,
        started: joinStarted(used),
      });
      return pointOutcome(task.index, output);
    },
  };
}
