export * from "./bounds.js";
export * from "./mg1.js";
export * from "./mm1.js";
export * from "./mmc.js";
export * from "./mva.js";
export * from "./ps.js";
export * from "./tandem.js";
export type { QueueMetrics } from "./types.js";
