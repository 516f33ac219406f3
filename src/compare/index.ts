export { type CompareRow, compareFigures, SIMULATED_METRICS } from "./compareFigures.js";
export { formatError, renderCompare } from "./compareText.js";
export {
  fileSha256,
  loadMeasuredFigures,
  type MeasuredFigureOptions,
  type MeasuredFigures,
  type MeasuredFileInfo,
  type SkippedMeasurement,
} from "./measuredFigures.js";
export { type CompareOptions, type CompareResult, runCompare } from "./runCompare.js";
export { looksLikeScenario, type ScenarioAndMeasuredArgs, splitScenarioArgs } from "./scenarioArgs.js";
export { DEFAULT_TOLERANCE, formatTolerance, parseTolerance } from "./tolerance.js";
export {
  gapToMeasured,
  judge,
  type MeasuredValue,
  measuredText,
  relativeError,
  type Verdict,
} from "./verdict.js";
