import { type Distribution, distributionFromSpec } from "../engine/random/index.js";
import type { Scenario } from "../scenario/index.js";

type Template = NonNullable<Scenario["templates"]>[number];

/**
 * Which template each workspace is built from: interleaved so that every prefix of workspaces keeps
 * the shares (a prepare stage of 10 % still sees the mix), by smooth weighted round-robin.
 */
export function templateAssignment(templates: readonly Template[], workspaces: number): Uint16Array {
  const total = templates.reduce((s, t) => s + t.share, 0);
  const credit = templates.map(() => 0);
  const out = new Uint16Array(workspaces);
  for (let w = 0; w < workspaces; w++) {
    let best = 0;
    for (let t = 0; t < templates.length; t++) {
      credit[t]! += templates[t]!.share;
      if (credit[t]! > credit[best]!) best = t;
    }
    credit[best]! -= total;
    out[w] = best;
  }
  return out;
}

/** Build and stop durations of each workspace: its template's, else the model's for every workspace. */
export interface WorkspaceBuildDurations {
  build(workspace: number): Distribution;
  stop(workspace: number): Distribution;
}

export function workspaceBuildDurations(
  templates: Scenario["templates"],
  workspaces: number,
  modelBuild: Distribution,
  modelStop: Distribution,
): WorkspaceBuildDurations {
  if (!templates) return { build: () => modelBuild, stop: () => modelStop };
  const of = templateAssignment(templates, workspaces);
  const builds = templates.map((t) => distributionFromSpec(t.build_s));
  const stops = templates.map((t) => (t.stop_s === undefined ? modelStop : distributionFromSpec(t.stop_s)));
  return { build: (w) => builds[of[w]!]!, stop: (w) => stops[of[w]!]! };
}
