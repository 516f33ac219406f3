// The built CLI run as a user runs it, timed from this process: wall time, and CPU time of the child
// (all its threads, worker pool included), which a machine shared with other work distorts least.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

/** CPU seconds of this process's waited-for children (/proc/self/stat cutime + cstime); NaN off Linux. */
export function childCpuSeconds() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 16 and 17 of stat(5), counted from the state (field 3); in clock ticks, 100 a second on Linux.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs `capsim <args>` in `dir` and returns its wall and CPU seconds and stdout. Exit codes in `okExits`
 * are answers (plan's 3: no deployment holds the load), any other a failure.
 */
export function timedCli(args, dir, okExits = [0]) {
  const cpuBefore = childCpuSeconds();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    maxBuffer: 64 * 2 ** 20,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!okExits.includes(r.status)) throw new Error(`capsim ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return { seconds, cpu: childCpuSeconds() - cpuBefore, stdout: r.stdout };
}
