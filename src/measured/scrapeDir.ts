import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, relative, sep } from "node:path";
import { InputError, type InputIssue } from "../errors.js";
import type { Labels, Series } from "../series/types.js";
import { parseTargetLabels, readExpositionSeries, scrapeHeader } from "./promText.js";
import { mergeSeriesSets } from "./seriesBuilder.js";
import { stripBom } from "./textPos.js";
import { parseUnixSecondsOrRfc3339 } from "./time.js";

const HOW =
  "a scrape directory holds one /metrics scrape per file: <dir>/<target>/<time>.prom, where <target> is " +
  "a label list such as job=coder,pod=coder-0 and <time> is RFC 3339 or unix seconds; or any file with " +
  '`# capsim-scrape-time: <time>` and `# capsim-target: job="coder",pod="coder-0"` lines';

/**
 * Reads a directory of raw `/metrics` scrapes (no timestamps in them, as coderd serves them) as the
 * scrapes of the targets it names: each file's time comes from its name or a `# capsim-scrape-time:`
 * header, its target labels from its directory's name or a `# capsim-target:` header.
 */
export function readScrapeDirectory(root: string): Series[] {
  const issues: InputIssue[] = [];
  const sets: { series: Series[] }[] = [];
  for (const file of filesUnder(root)) {
    try {
      const text = stripBom(readFileSync(file, "utf8"));
      const header = scrapeHeader(text, file);
      const time = header.time ?? timeFromName(file);
      const target = header.target ?? targetFromDirectory(root, file);
      if (time === undefined || target === undefined) {
        const missing = time === undefined ? "no scrape time" : "no target";
        issues.push({ file, path: "", message: `${missing}: ${HOW}` });
        continue;
      }
      sets.push({ series: readExpositionSeries(text, file, { time, target }) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  if (sets.length === 0) throw new InputError({ file: root, path: "", message: `no scrape files: ${HOW}` });
  return [...mergeSeriesSets(sets).series];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The file name without its extension, as RFC 3339 (`:` may be written `-` or `_` in the time) or unix seconds. */
function timeFromName(file: string): number | undefined {
  const stem = basename(file, extname(file));
  const direct = parseUnixSecondsOrRfc3339(stem);
  if (typeof direct === "number") return direct;
  const colons = /^(\d{4}-\d{2}-\d{2}T\d{2})[-_](\d{2})[-_](\d{2}(?:\.\d+)?)(Z|[+-]\d{2}[-_:]?\d{2})$/.exec(
    stem,
  );
  if (!colons) return undefined;
  const seconds = parseUnixSecondsOrRfc3339(
    `${colons[1]}:${colons[2]}:${colons[3]}${colons[4]!.replace("_", ":")}`,
  );
  return typeof seconds === "number" ? seconds : undefined;
}

/** The target labels a directory name gives (`job=coder,pod=coder-0`); files at the root have none. */
function targetFromDirectory(root: string, file: string): Labels | undefined {
  const parts = relative(root, file).split(sep);
  if (parts.length < 2) return undefined;
  const labels = parseTargetLabels(parts[parts.length - 2]!);
  return typeof labels === "string" ? undefined : labels;
}
