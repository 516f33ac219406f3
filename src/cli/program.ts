import { Command, CommanderError } from "commander";
import { ExitCode, InputError, printable } from "../errors.js";
import { CAPSIM_VERSION } from "../version.js";
import { commandModules } from "./commands.js";

/** Longest line of commander's own messages (they quote the argument that was wrong). */
const MAX_COMMANDER_LINE = 500;

/** Terminal-safe commander output: control characters escaped and long lines cut, line by line. */
function safeLines(text: string): string {
  return text
    .split("\n")
    .map((line) => printable(line, MAX_COMMANDER_LINE))
    .join("\n");
}

/** Runs one capsim command line (`node capsim <args>`) and returns its exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("capsim")
    .description("Discrete-event capacity simulator for Coder deployments")
    .version(CAPSIM_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(safeLines(text)),
    });
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

/** A failed system call (disk full, permission), as opposed to a bug. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === "string" && "syscall" in err;
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
  if (isSystemError(err)) {
    // The machine's problem, not capsim's: the message says what and where; a stack trace would not help.
    process.stderr.write(`capsim: ${printable(err.message, 1000)}\n`);
    return ExitCode.runtimeError;
  }
  process.stderr.write(
    `capsim: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return ExitCode.runtimeError;
}
