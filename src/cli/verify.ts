import type { Command } from "commander";
import { ExitCode, InputError } from "../errors.js";
import {
  defaultBattery,
  NoClosedFormError,
  queueCase,
  type ServiceKind,
  type VerifyCase,
} from "../verify/cases.js";
import { formatVerifyReport } from "../verify/format.js";
import { runVerify } from "../verify/runVerify.js";

const SOURCE = "capsim verify";
const DEFAULT_CUSTOMERS = 100_000;
const DEFAULT_REPLICATIONS = 10;
const DEFAULT_SEED = 1;

interface VerifyFlags {
  servers?: string;
  utilization?: string;
  discipline?: string;
  service?: string;
  customers?: string;
  replications?: string;
  seed?: string;
  json?: boolean;
}

/** `capsim verify`: simulate queues with exact closed forms and check the simulator reproduces them. */
export function register(program: Command): void {
  program
    .command("verify")
    .description(
      "Check the simulator on this machine against queueing theory. With no queue options, runs a battery " +
        "(M/M/1, M/M/c, M/D/1, M/G/1, PS, PS with background load, a tandem); exit 0 pass, 3 fail.",
    )
    .option("--servers <c>", "servers (cores for --discipline ps) (default: 1)")
    .option("--utilization <rho>", "utilisation per server, 0 < rho < 1 (default: 0.8)")
    .option("--discipline <d>", "fcfs or ps (default: fcfs)")
    .option("--service <s>", "service distribution, mean 1 s: exp, det or lognormal (default: exp)")
    .option(
      "--customers <n>",
      `customers per replication, first 10% as warm-up (default: ${DEFAULT_CUSTOMERS})`,
    )
    .option("--replications <r>", `independent replications (default: ${DEFAULT_REPLICATIONS})`)
    .option("--seed <s>", `master seed (default: ${DEFAULT_SEED})`)
    .option("--json", "print the full report as JSON")
    .action((flags: VerifyFlags) => {
      const cases = selectCases(flags);
      const customers = integerFlag("--customers", flags.customers, DEFAULT_CUSTOMERS, 1000, 100_000_000);
      const replications = integerFlag("--replications", flags.replications, DEFAULT_REPLICATIONS, 2, 10_000);
      const seed = seedFlag(flags.seed);
      const progress = progressReporter(cases, replications);
      const report = runVerify(cases, { customers, replications, seed, onReplication: progress.update });
      progress.done();
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      process.exitCode = report.verdict === "pass" ? ExitCode.ok : ExitCode.checksFailed;
    });
}

/** One queue if any queue option is given, else the built-in battery. */
function selectCases(flags: VerifyFlags): VerifyCase[] {
  const single = [flags.servers, flags.utilization, flags.discipline, flags.service].some(
    (f) => f !== undefined,
  );
  if (!single) return defaultBattery();
  const servers = integerFlag("--servers", flags.servers, 1, 1, 1024);
  const utilization = numberFlag("--utilization", flags.utilization, 0.8);
  if (!(utilization > 0 && utilization < 1))
    bad("--utilization", `must be > 0 and < 1 (a stable queue), got ${flags.utilization}`);
  const discipline = choiceFlag("--discipline", flags.discipline, ["fcfs", "ps"] as const, "fcfs");
  const service = choiceFlag(
    "--service",
    flags.service,
    ["exp", "det", "lognormal"] as const,
    "exp",
  ) as ServiceKind;
  try {
    return [queueCase({ discipline, servers, utilization, service })];
  } catch (err) {
    if (err instanceof NoClosedFormError) bad("--service", err.message);
    throw err;
  }
}

function bad(flag: string, message: string): never {
  throw new InputError({ file: SOURCE, path: flag, message });
}

function numberFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) bad(flag, `expected a number, got "${text}"`);
  return value;
}

function integerFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = numberFlag(flag, text, fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    bad(flag, `expected an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function choiceFlag<T extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text))
    bad(flag, `expected one of ${choices.join(", ")}, got "${text}"`);
  return text as T;
}

function seedFlag(text: string | undefined): number | string {
  if (text === undefined) return DEFAULT_SEED;
  if (text.trim() === "") bad("--seed", "must not be empty");
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

/** Progress on stderr, only for a terminal, so stdout stays clean for pipes. */
function progressReporter(cases: readonly VerifyCase[], replications: number) {
  const tty = process.stderr.isTTY === true;
  return {
    update: (caseIndex: number, replication: number) => {
      if (!tty) return;
      const c = cases[caseIndex]!;
      process.stderr.write(
        `\r\u001b[2Kverify ${caseIndex + 1}/${cases.length} ${c.id}: replication ${replication + 1}/${replications}`,
      );
    },
    done: () => {
      if (tty) process.stderr.write("\r\u001b[2K");
    },
  };
}
