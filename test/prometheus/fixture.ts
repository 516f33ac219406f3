import type { Series, SeriesSet } from "../../src/series/types.js";
import { END, STEP, syntheticSet } from "../figures/synthetic.js";

/** Whole hours three days ago: old enough for promtool blocks, well inside retention. */
export const T0 = Math.floor((Date.now() / 1000 - 3 * 86400) / 3600) * 3600;

/** The 2000-user test's stages (overlap aside), over the synthetic set's 30 minutes. */
export const FIXTURE_STAGES = [
  { name: "prepare", start: 0, end: 600 },
  { name: "ssh", start: 600, end: 900 },
  { name: "web_terminal", start: 900, end: 1200 },
  { name: "workspace_apps", start: 1200, end: 1500 },
  { name: "dashboard", start: 1500, end: END },
];

/**
 * An export shaped as FAMILIES.md says `capsim run --openmetrics` writes it (Coder's names, target
 * labels, `capsim_stage_active{stage}`), with hand-computable values (test/figures/synthetic.ts), at
 * wall-clock times from T0.
 */
export function familiesFixture(): SeriesSet {
  const base = syntheticSet({ stageSeries: false });
  const times = Array.from({ length: END / STEP + 1 }, (_, i) => i * STEP);
  const stages: Series[] = FIXTURE_STAGES.map((s) => ({
    labels: { __name__: "capsim_stage_active", stage: s.name },
    times,
    values: times.map((t) => (t > s.start && t <= s.end ? 1 : 0)),
  }));
  return {
    intervalSeconds: STEP,
    series: [...base.series, ...stages].map((s) => ({ ...s, times: Array.from(s.times, (t) => t + T0) })),
  };
}
