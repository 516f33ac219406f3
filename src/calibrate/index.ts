export {
  applyParameters,
  DEFAULT_BOUND_FACTOR,
  describeParameterValue,
  type FitKind,
  type FitParameter,
  resolveFitParameters,
  roundValue,
  scaleDistribution,
} from "./fitParameters.js";
export { collectFitSpec, type FitSpec, parseFitSpec } from "./fitSpec.js";
export {
  type FigureErrorRecord,
  type FitProvenance,
  modelDocumentText,
  parseModelDocument,
  recordFit,
} from "./modelDocument.js";
export { type NelderMeadOptions, type NelderMeadResult, nelderMeadBox } from "./nelderMead.js";
export { type FitTarget, fitError, fitObjective, MISSING_FIGURE_ERROR } from "./objective.js";
export {
  type CalibrateOptions,
  type CalibrateResult,
  DEFAULT_CALIBRATE_REPLICATIONS,
  DEFAULT_MAX_EVALUATIONS,
  type EvaluationReport,
  type FittedParameter,
  fromUnit,
  runCalibrate,
  toUnit,
} from "./runCalibrate.js";
