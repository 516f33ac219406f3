import { resolve } from "node:path";
import type { Command } from "commander";
import { printable } from "../errors.js";
import { checkOutputFile } from "../input/paths.js";

interface ReportFlags {
  output?: string;
  x?: string;
  throughput?: string;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "Write a self-contained HTML report of a run (results dir), a sweep (CSV) or a comparison (JSON)",
    )
    .argument(
      "<input>",
      "results directory of capsim run, sweep CSV of capsim sweep, or JSON of capsim compare --json",
    )
    .option(
      "-o, --output <file>",
      "the HTML file (default: report.html in the results dir, else beside the input)",
    )
    .option("--x <path>", "sweep: the varied parameter on the x axis (default: the first that varies)")
    .option(
      "--throughput <metric@stage>",
      "sweep: the figure the asymptotic bounds are drawn on (default: API RPS)",
    )
    .action(async (input: string, flags: ReportFlags) => {
      if (flags.output) checkOutputFile(resolve(flags.output), "--output");
      // Loaded on demand: the HTML stack (Plot, linkedom) is a third of the CLI's start-up.
      const { writeReport } = await import("../report/html/index.js");
      const { kind, file } = writeReport(input, flags.output, { x: flags.x, throughput: flags.throughput });
      process.stderr.write(`wrote ${kind} report ${printable(file)}\n`);
    });
}
