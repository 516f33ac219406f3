import { metricNamesOf } from "../promql/index.js";
import { FIGURES } from "./table.js";

let cached: ReadonlySet<string> | undefined;

/** Every metric name some recipe reads (a series of any other name is read by no figure). */
export function recipeMetricNames(): ReadonlySet<string> {
  cached ??= new Set(FIGURES.flatMap((f) => f.recipes.flatMap((r) => metricNamesOf(r.promql))));
  return cached;
}
