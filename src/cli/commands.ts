import type { Command } from "commander";
import { registerCalibrate } from "./calibrate.js";
import { registerCompare } from "./compare.js";
import { registerLimit } from "./limit.js";
import { registerMeasureDb } from "./measureDb.js";
import { registerMerge } from "./merge.js";
import { registerPlan } from "./plan.js";
import { registerReport } from "./report.js";
import { registerRun } from "./run.js";
import { registerSchema } from "./schema.js";
import { registerSensitivity } from "./sensitivity.js";
import { registerSweep } from "./sweep.js";
import { register as registerVerify } from "./verify.js";

/** Each CLI verb registers itself on the program; add new verbs here. */
export const commandModules: ReadonlyArray<(program: Command) => void> = [
  registerRun,
  registerSchema,
  registerVerify,
  registerSweep,
  registerMerge,
  registerLimit,
  registerPlan,
  registerCompare,
  registerCalibrate,
  registerReport,
  registerMeasureDb,
  registerSensitivity,
];
