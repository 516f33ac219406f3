/**
 * capsim/engine: the discrete-event kernel as a library — clock and event list, resources built on
 * its public API, statistics and output analysis, and seeded random streams with distributions.
 */
export { type EventHandle, EventList, MAX_PENDING_EVENTS } from "./eventList.js";
export * from "./random/index.js";
export * from "./resources/index.js";
export {
  type Action,
  type ActionId,
  type FixedDelayId,
  ProcessHandle,
  type ProcessStep,
  Signal,
  Simulation,
  type Waitable,
} from "./simulation.js";
export * from "./stats/index.js";
