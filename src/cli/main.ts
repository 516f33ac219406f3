#!/usr/bin/env node
import { ExitCode } from "../errors.js";
import { runCli } from "./program.js";

/** Entry point: every subcommand lives in its own module (src/cli/commands.ts lists them). */
runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`capsim: ${String(err)}\n`);
    process.exitCode = ExitCode.runtimeError;
  },
);
