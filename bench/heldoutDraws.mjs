// Held-out tests with a known outcome (saturated or passed), asked of a build's prediction draws: how many
// draws saturate a resource, against what the test saw. `node bench/heldoutDraws.mjs [tree] [--draws N]`
// after `npm run build` in the tree (default: this one). Not a timing benchmark. Used by no fit; the
// outcomes are the scenarios' own descriptions (scenarios/heldout/*.yaml).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { treeArgs } from "./treeArgs.js";

const argv = process.argv.slice(2);
const at = argv.indexOf("--draws");
const draws = at < 0 ? 12 : Number(argv.splice(at, 2)[1]);
const { tree } = treeArgs(argv);

const TESTS = [
  { scenario: "issue-9782-per-item-400", saw: "saturated" },
  { scenario: "scale-table-v0.24.1-200-users", saw: "passed" },
  { scenario: "scale-table-v0.24.1-1500-users", saw: "passed" },
  { scenario: "scale-table-v0.27.2-500-users", saw: "passed" },
  { scenario: "scale-table-v2.2.1-1000-users", saw: "passed" },
];

console.log(`| held-out test | saw | nominal | draws saturating (of ${draws}) | conditioning |`);
console.log("|---|---|---|---|---|");
for (const t of TESTS) {
  const out = mkdtempSync(join(tmpdir(), "capsim-heldout-draws-"));
  const text = execFileSync(
    process.execPath,
    [
      join(tree, "dist/cli/main.js"),
      "run",
      join(tree, "scenarios/heldout", `${t.scenario}.yaml`),
      "--replications", "1",
      "--prediction-draws", String(draws),
      "--json", "--no-progress", "--out", out,
    ],
    { cwd: tree, encoding: "utf8", maxBuffer: 1 << 28 },
  );
  const s = JSON.parse(text);
  const nominal = s.bottleneck.saturated.length > 0 ? `saturated (${s.bottleneck.saturated.join(", ")})` : "passed";
  const hot = s.prediction.saturated_draws;
  const which = hot.resources.map((r) => `${r.resource} ${r.draws}`).join(", ");
  const c = s.prediction.conditioning;
  const how = c?.applied ? `${c.points} points, ${c.effective_points.toFixed(1)} effective` : "independent ranges";
  console.log(`| ${t.scenario} | ${t.saw} | ${nominal} | ${hot.draws}${which ? ` (${which})` : ""} | ${how} |`);
}
