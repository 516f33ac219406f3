import { resolve } from "node:path";
import type { Command } from "commander";
import { renderCalibrate, renderEnsemble } from "../calibrate/calibrateText.js";
import { collectFitSpec, type FitSpec } from "../calibrate/fitSpec.js";
import {
  DEFAULT_CALIBRATE_REPLICATIONS,
  DEFAULT_MAX_EVALUATIONS,
  runCalibrate,
} from "../calibrate/runCalibrate.js";
import { runEnsemble } from "../calibrate/runEnsemble.js";
import { renderQueries } from "../compare/compareText.js";
import { prometheusReport } from "../compare/runCompare.js";
import { splitScenarioArgs } from "../compare/scenarioArgs.js";
import { InputError } from "../errors.js";
import { checkOutputFile } from "../input/paths.js";
import { estimateRun, refuseOverBudget } from "../run/estimate.js";
import { setDefaultJobs } from "../run/parallel.js";
import {
  addServerOptions,
  fileSeriesOptions,
  type ServerFlags,
  serverMeasurement,
  serverScenarioArg,
} from "./compare.js";
import {
  addBudgetOptions,
  addInputCapOption,
  budgetOf,
  collect,
  isShippedScenario,
  jobsOption,
  loadScenarioAndModel,
  nonNegativeInt,
  positiveInt,
} from "./scenarioInput.js";

interface CalibrateFlags extends ServerFlags {
  set: string[];
  maxMemoryGb: number;
  maxHours: number;
  fit: FitSpec[];
  out?: string;
  replications: number;
  maxEvals: number;
  seed?: number;
  progress: boolean;
  uncertainty?: boolean;
  ensemble?: number;
  unsaturated?: boolean;
  jobs?: number;
}

export function registerCalibrate(program: Command): void {
  const command = program
    .command("calibrate")
    .description("Fit model parameters to measured figures and write a new model file (docs/compare.md)")
    .argument(
      "[files...]",
      "[scenario] then measured files (or only [scenario] with --prometheus); without a scenario file or name first, the default scaletest-2000 runs",
    )
    .option(
      "--fit <path[=lo..hi]>",
      "model parameter to fit (repeatable): a scalar's value, a whole distribution's scale factor, or one key (path.p95)",
      collectFitSpec,
      [],
    )
    .option("--out <file>", "the fitted model file to write, e.g. models/coder-v2.8-fit.yaml")
    .option("--set <path=value>", "override a scenario value (repeatable), e.g. shorter stages", collect, [])
    .option(
      "--replications <n>",
      "replications per evaluation",
      positiveInt("replications"),
      DEFAULT_CALIBRATE_REPLICATIONS,
    )
    .option(
      "--max-evals <n>",
      "simulations the search may run",
      positiveInt("max-evals"),
      DEFAULT_MAX_EVALUATIONS,
    )
    .option(
      "--seed <n>",
      "base random seed of every evaluation (overrides the scenario's)",
      nonNegativeInt("seed"),
    )
    .option(
      "--uncertainty",
      "also find each fitted parameter's 90% likelihood range (about 12 more simulations each) and write it into the model's uncertainty: (docs/uncertainty.md)",
    )
    .option(
      "--ensemble <n>",
      "instead of fitting: simulate n draws of the model's uncertainty: ranges on the measured test and write the model with those the figures favour, which prediction draws then resample (docs/uncertainty.md, Draws conditioned on a measured test)",
      positiveInt("ensemble"),
    )
    .option(
      "--unsaturated",
      "with --ensemble: drop draws in which a resource saturates on the measured test, for a test that ran without interruptions",
    );
  addInputCapOption(addBudgetOptions(addServerOptions(command)))
    .option("--no-progress", "no progress lines on stderr")
    .addOption(jobsOption("simulations"))
    .action(async (files: string[], flags: CalibrateFlags) => {
      if (flags.jobs !== undefined) setDefaultJobs(flags.jobs);
      if (flags.ensemble !== undefined && flags.fit.length > 0) {
        throw new InputError({
          file: "--ensemble",
          path: "",
          message: "conditions the model as it is: drop --fit (fit first, then condition the fitted model)",
        });
      }
      if (flags.unsaturated && flags.ensemble === undefined) {
        throw new InputError({ file: "--unsaturated", path: "", message: "applies to --ensemble only" });
      }
      if (flags.fit.length === 0 && flags.ensemble === undefined) {
        throw new InputError({
          file: "--fit",
          path: "",
          message: "name at least one parameter: --fit coderd.connection_cpu_vcpu",
        });
      }
      if (!flags.out) {
        throw new InputError({
          file: "--out",
          path: "",
          message: "give the model file to write: --out models/NAME.yaml",
        });
      }
      const { scenarioArg, measuredFiles } =
        flags.prometheus !== undefined
          ? { scenarioArg: serverScenarioArg(files, "calibrate"), measuredFiles: [] }
          : splitScenarioArgs(files, "calibrate", isShippedScenario);
      const scenario = loadScenarioAndModel(scenarioArg, flags.set);
      // Checked before the search: every evaluation's cost, and that the model file can be written.
      refuseOverBudget(
        scenario.loaded,
        estimateRun(scenario.loaded.scenario, scenario.model.model, flags.replications),
        budgetOf(flags),
        {
          replicationsOption: "--replications",
          runs: flags.ensemble ?? flags.maxEvals,
        },
      );
      checkOutputFile(resolve(flags.out), "--out", { regularOnly: true });
      const prometheus = await serverMeasurement(flags);
      if (prometheus) process.stderr.write(`${renderQueries(prometheusReport(prometheus)).join("\n")}\n`);
      if (flags.ensemble !== undefined) {
        const result = runEnsemble({
          scenario,
          measuredFiles,
          out: flags.out,
          draws: flags.ensemble,
          ...(flags.unsaturated ? { unsaturatedOnly: true } : {}),
          command: `capsim ${process.argv.slice(2).join(" ")}`,
          ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
          ...(prometheus ? { prometheus } : fileSeriesOptions(flags)),
          onDone: (done, total) => {
            if (flags.progress) process.stderr.write(`calibrate --ensemble: draw ${done}/${total}\n`);
          },
        });
        process.stdout.write(renderEnsemble(result));
        return;
      }
      const result = runCalibrate({
        scenario,
        measuredFiles,
        fits: flags.fit,
        out: flags.out,
        replications: flags.replications,
        maxEvaluations: flags.maxEvals,
        ...(flags.uncertainty ? { uncertainty: true } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(prometheus ? { prometheus } : fileSeriesOptions(flags)),
        onEvaluation: (e) => {
          if (!flags.progress) return;
          const label =
            e.index === 0
              ? "start"
              : e.range
                ? `range eval ${e.index}`
                : `eval ${e.index}/${e.maxEvaluations}`;
          const values = e.values.map((v) => `${v.path}=${v.value}`).join(" ");
          const how = e.invalid
            ? `refused: ${e.invalid}`
            : e.cached
              ? "cached"
              : `${e.wallSeconds.toFixed(1)} s`;
          process.stderr.write(
            `calibrate ${label}  objective ${fmt(e.objective)}  best ${fmt(e.best)}  ${values}  (${how})\n`,
          );
        },
      });
      process.stdout.write(renderCalibrate(result));
    });
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(4) : "inf");
