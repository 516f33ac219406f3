#!/usr/bin/env node
// `npm run bench` (after `npm run build`): runs every benchmark in bench/registry.js in a fresh node
// process, several times, and prints the median of each figure with its target and PASS/BELOW.
// Options: --runs N (default 3), --only id[,id…], --skip id[,id…] (e.g. the slow plan-vs-run-10000),
// --json, --markdown (a table for BENCHMARKS.md).
import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { BENCHMARKS } from "./registry.js";

const options = parseArgs(process.argv.slice(2));
const workerPath = fileURLToPath(new URL("./worker.js", import.meta.url));
const unknown = [...(options.only ?? []), ...options.skip].filter(
  (id) => !BENCHMARKS.some((b) => b.id === id),
);
if (unknown.length > 0) fail(`no benchmark ${unknown.join(", ")}`);
const selected = BENCHMARKS.filter(
  (b) => (!options.only || options.only.includes(b.id)) && !options.skip.includes(b.id),
);
if (selected.length === 0) fail("no benchmark left to run");

const results = [];
for (const bench of selected) {
  const runs = [];
  // An entry may cap its runs (the plan benchmarks take minutes each).
  const runsOf = Math.min(options.runs, bench.maxRuns ?? options.runs);
  for (let r = 0; r < runsOf; r++) {
    process.stderr.write(`bench ${bench.id}: run ${r + 1}/${runsOf}\n`);
    runs.push(runOnce(bench));
  }
  results.push({
    id: bench.id,
    description: runs[0].description,
    params: bench.params,
    figures: medianFigures(runs),
  });
}

const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  nproc: os.availableParallelism(),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  command: "npm run bench",
  runs_per_benchmark: options.runs,
  date: new Date().toISOString(),
};
if (options.json) process.stdout.write(`${JSON.stringify({ machine, results }, null, 2)}\n`);
else if (options.markdown) process.stdout.write(markdown(machine, results));
else process.stdout.write(text(machine, results));
const below = results.flatMap((r) => r.figures).filter((f) => f.status === "BELOW");
process.exitCode = below.length > 0 ? 1 : 0;

function runOnce(bench) {
  const child = spawnSync(process.execPath, [workerPath, bench.module, JSON.stringify(bench.params)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) fail(`benchmark ${bench.id} exited with ${child.status ?? child.signal}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

/** Median (and range) of each figure over the runs, judged against its target. */
function medianFigures(runs) {
  return runs[0].figures.map((figure, i) => {
    const values = runs.map((run) => run.figures[i].value).sort((a, b) => a - b);
    const median =
      values[Math.floor((values.length - 1) / 2)] * 0.5 + values[Math.ceil((values.length - 1) / 2)] * 0.5;
    const status = figure.target ? (meets(median, figure.target) ? "PASS" : "BELOW") : "";
    return { ...figure, value: median, min: values[0], max: values[values.length - 1], status };
  });
}

function meets(value, target) {
  if (target.min !== undefined && value < target.min) return false;
  if (target.max !== undefined && value > target.max) return false;
  return true;
}

function format(value, unit) {
  if (unit === "bytes") return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (unit === "events/s" || unit === "customers/s") return `${(value / 1e6).toFixed(2)} M ${unit}`;
  if (unit === "s") return `${value.toFixed(3)} s`;
  if (unit === "ns") return `${value.toFixed(0)} ns`;
  if (unit === "B/event") return `${value.toFixed(0)} B/event`;
  if (unit === "×") return `${value.toFixed(3)}×`;
  if (unit === "%") return `${value.toFixed(1)} %`;
  return Number.isInteger(value) ? String(value) : value.toPrecision(5);
}

function targetText(figure) {
  const t = figure.target;
  if (!t) return "";
  if (t.min !== undefined) return `≥ ${format(t.min, figure.unit)}`;
  return `≤ ${format(t.max, figure.unit)}`;
}

function rows(results) {
  return results.flatMap((r) =>
    r.figures.map((f) => [
      r.id,
      f.name,
      format(f.value, f.unit),
      options.runs > 1 ? `${format(f.min, f.unit)} – ${format(f.max, f.unit)}` : "",
      targetText(f),
      f.status,
    ]),
  );
}

function text(machine, results) {
  const header = ["benchmark", "figure", `median of ${options.runs}`, "range", "target", ""];
  const body = rows(results);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const lines = [
    `${machine.cpu}, ${machine.nproc} CPUs, node ${machine.node}`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
  ];
  let previous = "";
  for (const row of body) {
    lines.push(line([row[0] === previous ? "" : row[0], ...row.slice(1)]));
    previous = row[0];
  }
  return `${lines.join("\n")}\n`;
}

function markdown(machine, results) {
  const lines = [
    `Machine: ${machine.cpu}, ${machine.nproc} CPUs (nproc), node ${machine.node}, ${machine.platform}.`,
    `Command: \`${machine.command}\` (median of ${options.runs} runs per benchmark, each in its own process), ${machine.date}.`,
    "",
    `| benchmark | figure | median | range | target | |`,
    "|---|---|---:|---:|---:|---|",
    ...rows(results).map((row) => `| ${row.join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

function parseArgs(args) {
  const parsed = { runs: 3, only: undefined, skip: [], json: false, markdown: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") parsed.json = true;
    else if (arg === "--markdown") parsed.markdown = true;
    else if (arg === "--runs") {
      parsed.runs = Number(args[++i]);
      if (!Number.isInteger(parsed.runs) || parsed.runs < 1) fail("--runs needs an integer >= 1");
    } else if (arg === "--only") parsed.only = (args[++i] ?? "").split(",");
    else if (arg === "--skip") parsed.skip = (args[++i] ?? "").split(",");
    else fail(`unknown option ${arg}`);
  }
  return parsed;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
