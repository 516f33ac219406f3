// The arguments the per-replication bench scripts share: `[tree] [scenario] [--set k=v ...]`, the built tree
// (a path with a slash; default the current directory) whose dist/ they import.
import { resolve } from "node:path";

export function treeArgs(argv = process.argv.slice(2)) {
  const args = [...argv];
  const tree = resolve(args[0] && !args[0].startsWith("-") && args[0].includes("/") ? args.shift() : ".");
  const sets = [];
  let scenario = "scaletest-2000";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--set") sets.push(args[++i]);
    else scenario = args[i];
  }
  return { tree, scenario, sets };
}
