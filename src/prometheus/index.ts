/** Figures read from a Prometheus server: its HTTP API client, the options that place windows, the evaluation. */
export { type ClientOptions, PrometheusClient, type PromSeries } from "./client.js";
export { measureFromPrometheus, type PrometheusMeasurement, type PrometheusOptions } from "./measure.js";
export { parseInstant, parseStageFlag, parseStep, readStagesFile, stageFlags } from "./options.js";
export type { SentQuery } from "./queries.js";
