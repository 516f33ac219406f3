export { type Answer, answerFor, normaliseQuery } from "./answers.js";
export { figuresLackedBy, figureTableMarkdown } from "./doc.js";
export {
  duration,
  type EvaluateOptions,
  evaluateFigures,
  type FigureEvaluator,
  promqlFor,
  type Result,
  reduceResults,
  selectorFor,
} from "./evaluate.js";
export { recipeMetricNames } from "./recipeMetrics.js";
export { SOURCE_IDS, SOURCES } from "./sources.js";
export { FIGURE_NAMES, FIGURES, figureDefinition, TRAFFIC_STAGE_NAMES } from "./table.js";
export type { FigureDefinition, FigureValue, PointStat, Recipe, Reduction, SourceId } from "./types.js";
export {
  ALL,
  dataSpan,
  resolveWindows,
  scrapeInterval,
  trafficWindow,
  type WindowOrigin,
  windowInstants,
  windowsFromStageSeries,
} from "./windows.js";
