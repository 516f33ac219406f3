export * from "./batcher.js";
export * from "./countedPool.js";
export * from "./fcfsQueue.js";
export * from "./lindleyQueue.js";
export * from "./processorSharingCpu.js";
export type { ResourceStats, ResponseQuantiles } from "./resourceStats.js";
