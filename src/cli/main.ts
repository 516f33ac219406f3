#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { ExitCode, InputError } from "../errors.js";
import { CAPSIM_VERSION } from "../version.js";
import { commandModules } from "./commands.js";

/** Entry point: every subcommand lives in its own module (src/cli/commands.ts lists them). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("capsim")
    .description("Discrete-event capacity simulator for Coder deployments")
    .version(CAPSIM_VERSION)
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandModules) register(program);
  program.addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 unexpected error, 2 bad input, 3 checks failed (verify/compare/SLO), 130 interrupted.",
  );
  try {
    await program.parseAsync(argv as string[], { from: "node" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) {
      return ExitCode.ok;
    }
    // commander already printed the message; usage errors are bad input.
    return ExitCode.badInput;
  }
  if (err instanceof InputError) {
    process.stderr.write(`${err.message}\n`);
    return ExitCode.badInput;
  }
  process.stderr.write(
    `capsim: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return ExitCode.runtimeError;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`capsim: ${String(err)}\n`);
    process.exitCode = ExitCode.runtimeError;
  },
);
