export { renderRunReport } from "./run/runReport.js";
export { readRunResults, parseTimeseriesCsv } from "./run/readRun.js";
