export { CAPSIM_VERSION } from "./version.js";
