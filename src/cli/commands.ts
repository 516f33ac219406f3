import type { Command } from "commander";
import { registerRun } from "./run.js";
import { registerSchema } from "./schema.js";
import { register as registerVerify } from "./verify.js";

/** Each CLI verb registers itself on the program; add new verbs here. */
export const commandModules: ReadonlyArray<(program: Command) => void> = [registerRun, registerSchema, registerVerify];
