import type { Command } from "commander";
import { ExitCode, InputError } from "../errors.js";
import { describeCheck, fmt } from "../plan/checks.js";
import { parseMaxUtil, searchContext } from "../plan/context.js";
import { findLimit, parseTolerance } from "../plan/limit.js";
import { limitEarlyNote, limitJson, renderLimit } from "../plan/renderLimit.js";
import {
  addBudgetOptions,
  budgetOf,
  collect,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
  refuseVariantOverBudget,
} from "./scenarioInput.js";

interface LimitFlags {
  vary: string;
  set: string[];
  slo: string[];
  maxUtil: number;
  strict?: boolean;
  replications?: number;
  seed?: number;
  min?: string;
  max?: string;
  tolerance: string;
  json?: boolean;
  progress: boolean;
  earlyReject: boolean;
  maxMemoryGb: number;
  maxHours: number;
}

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n))
    throw new InputError({ file: `--${name}`, path: "", message: `expected a number, got "${text}"` });
  return n;
}

export function registerLimit(program: Command): void {
  const command = program
    .command("limit")
    .description(
      "Find the largest value of a parameter (e.g. users) that holds every SLO and the utilisation cap",
    )
    .argument("[scenario]", "scenario file, or the name of a shipped scenario", undefined)
    .requiredOption("--vary <path>", "the parameter to push up, e.g. workload.users")
    .option(
      "--slo <'metric<=value'>",
      "an SLO on a summary metric (repeatable), e.g. 'api_latency_p95_ms<=300' (quoted: the shell reads < as a redirect)",
      collect,
      [],
    )
    .option("--max-util <u>", "utilisation cap for every resource", parseMaxUtil, 0.8)
    .option("--strict", "an SLO holds only if its whole 95% CI does (default: the mean decides)")
    .option("--set <path=value>", "override a scenario value (repeatable)", collect, [])
    .option(
      "--replications <n>",
      "replications per simulation (overrides the scenario's)",
      positiveInt("replications"),
    )
    .option("--seed <n>", "base random seed (overrides the scenario's)", nonNegativeInt("seed"))
    .option("--min <value>", "lowest value to consider (default: the scenario's value, halving if it fails)")
    .option("--max <value>", "highest value to consider")
    .option(
      "--tolerance <t>",
      "stop bisecting when the bracket is this narrow: 1% or an absolute amount",
      "1%",
    )
    .option(
      "--no-early-reject",
      "simulate every value on all replications (default: one that fails a check clearly on its first 2 is over the limit there)",
    )
    .option("--json", "print the result as JSON on stdout")
    .option("--no-progress", "no per-simulation lines on stderr");
  addBudgetOptions(command).action((scenarioArg: string | undefined, flags: LimitFlags) => {
    const tolerance = parseTolerance(flags.tolerance);
    const min = numberOption("min", flags.min);
    const max = numberOption("max", flags.max);
    const { loaded, model } = loadScenarioAndModel(scenarioArg, flags.set);
    // The search's ends, before it starts: each simulation must be within range and budget.
    for (const [option, end] of [
      ["--min", min],
      ["--max", max],
    ] as const) {
      if (end === undefined) continue;
      const variant = { set: `${flags.vary}=${end}`, option: `${option} ${end}` };
      refuseVariantOverBudget(scenarioArg, flags.set, variant, budgetOf(flags), {
        ...(flags.replications !== undefined ? { replications: flags.replications } : {}),
      });
    }
    const ctx = searchContext(loaded, model, {
      sets: flags.set,
      slos: flags.slo,
      maxUtil: flags.maxUtil,
      strict: flags.strict ?? false,
      replications: flags.replications,
      seed: flags.seed,
    });
    const result = findLimit(ctx, {
      path: flags.vary,
      min,
      max,
      tolerance,
      earlyReject: flags.earlyReject,
      onEvaluation: (e) => {
        if (!flags.progress) return;
        const a = e.assessment;
        const why = a.passes
          ? a.tightest
            ? `tightest ${describeCheck(a.tightest)}`
            : ""
          : describeCheck(a.failing[0]!);
        const early = limitEarlyNote(e, ctx);
        process.stderr.write(
          `  ${flags.vary}=${fmt(e.value)}: ${a.passes ? "holds" : "fails"}; ${why}${early}\n`,
        );
      },
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(limitJson(result, ctx), null, 2)}\n`);
    else process.stdout.write(renderLimit(result, ctx));
    if (result.status === "none_holds") process.exitCode = ExitCode.checksFailed;
  });
}
