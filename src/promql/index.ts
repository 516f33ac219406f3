/**
 * capsim's PromQL: one parser and one evaluator for simulated samples, samples read from files, and
 * (as the same text, through `withMatchers`) a real Prometheus server.
 *
 * Syntax is lezer-promql's (the grammar of Prometheus' own UI); semantics are Prometheus 2.42's (Debian
 * bookworm), checked value by value against a real server in test/promql/prometheus-differential.test.ts.
 * Supported: selectors with = != =~ !~ (anchored regexes) and offset; ranges such as [90s] or [1h30m];
 * Grafana variables ($__range, $__interval, $__rate_interval, ...) from `vars` in seconds; rate, increase,
 * delta, irate, idelta, resets, changes, {avg,min,max,sum,count,last,present,quantile,stddev,stdvar}_over_time,
 * histogram_quantile (classic `le` buckets), abs, ceil, floor, exp, ln, log2, log10, sqrt, sgn, round,
 * clamp, clamp_min, clamp_max, scalar, vector, time, label_replace; sum, avg, min, max, count, group,
 * quantile, stddev, stdvar, topk, bottomk with by/without; + - * / % ^, comparisons with and without
 * bool, and/or/unless, on/ignoring, group_left/group_right. Not supported (PromQLError): subqueries, @,
 * native histograms, count_values, absent, atan2, and Prometheus 3's syntax (quoted names, duration arithmetic).
 *
 * Data: a NaN sample is no sample (an exporter omits it), times are rounded to milliseconds as a TSDB stores them.
 * Prometheus 3 differs (EvalOptions.prometheusMajor = 3): range and lookback windows are left-open, and
 * rate's zero-point clamp applies after the 1.1-interval extrapolation limit.
 */
export type { LabelMatcher, PromExpr, ValueType } from "./ast.js";
export { typeOf } from "./ast.js";
export { PromQLError } from "./errors.js";
export { type EvalOptions, evaluateInstant, evaluateRange, type Matrix, type MatrixSeries } from "./eval.js";
export { parsePromQL } from "./parse.js";
export { metricNamesOf, vectorSelectors, withMatchers } from "./rewrite.js";
