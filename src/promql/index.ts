/** capsim's PromQL: one parser and one evaluator for simulated samples, files and (the same text) a Prometheus server. */
export type { LabelMatcher, PromExpr, ValueType } from "./ast.js";
export { typeOf } from "./ast.js";
export { PromQLError } from "./errors.js";
export { type EvalOptions, evaluateInstant, evaluateRange, type Matrix, type MatrixSeries } from "./eval.js";
export { parsePromQL } from "./parse.js";
export { metricNamesOf, withMatchers } from "./rewrite.js";
