export * from "./confidence.js";
export * from "./mean.js";
export * from "./mser.js";
export * from "./quantileSketch.js";
export * from "./replications.js";
export * from "./sampler.js";
// studentT's normal helpers are left out: the random module exports the same names.
export { studentTCdf, studentTQuantile } from "./studentT.js";
export * from "./tally.js";
export * from "./timeWeighted.js";
