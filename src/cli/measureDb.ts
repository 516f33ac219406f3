import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ExitCode, InputError } from "../errors.js";
import { statementIds } from "../measuredb/catalog.js";
import { NOTIFY_HOLD_ID } from "../measuredb/notifyHold.js";
import { overlayDocument, textTable } from "../measuredb/overlay.js";
import { runMeasureDb } from "../measuredb/runMeasureDb.js";
import { BUILDS_PER_WORKSPACE, DEFAULT_VOLUME, MAX_BUILDS_PER_WORKSPACE } from "../measuredb/schema.js";
import { writeFileAtomic } from "../output/atomicFile.js";

interface MeasureDbFlags {
  databaseUrl?: string;
  out?: string;
  workspaces: string;
  durationS: string;
  statsHistoryMin: string;
  buildsPerWorkspace: string;
  batches: string;
  only?: string;
  pgBin?: string;
}

function positive(option: string, text: string, integer: boolean, min = integer ? 1 : 0): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new InputError({
      file: option,
      path: "",
      message: `must be a positive ${integer ? "integer" : "number"}${min > 1 ? ` of at least ${min}` : ""}, got "${text}"`,
    });
  }
  return value;
}

function databaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol === "postgres:" || url.protocol === "postgresql:") return text;
  } catch {
    // reported below
  }
  throw new InputError({
    file: "--database-url",
    path: "",
    message: "must be a postgres:// or postgresql:// URL",
  });
}

/** --pg-bin: a directory with initdb and postgres; it starts the local server, so not with --database-url. */
function pgBinDir(text: string, databaseUrl: string | undefined): string {
  if (databaseUrl !== undefined) {
    throw new InputError({
      file: "--pg-bin",
      path: "",
      message: "starts a local server: not with --database-url",
    });
  }
  const dir = resolve(text);
  if (existsSync(join(dir, "initdb")) && existsSync(join(dir, "postgres"))) return dir;
  throw new InputError({ file: "--pg-bin", path: "", message: `no initdb and postgres in ${dir}` });
}

export function registerMeasureDb(program: Command): void {
  program
    .command("measure-db")
    .description(
      "Measure the PostgreSQL cost (CPU, WAL, disk flushes) of the statements coderd issues and write a model overlay (docs/measure-db.md)",
    )
    .option(
      "--database-url <url>",
      "measure on this server (a schema is created and dropped); default: start one here",
    )
    .option("--out <file>", "the overlay YAML (default results/measure-db/<date>.yaml)")
    .option(
      "--workspaces <n>",
      "workspaces (and agents, users) in the data",
      String(DEFAULT_VOLUME.workspaces),
    )
    .option("--duration-s <s>", "seconds of measurement over all statements (set-up not included)", "60")
    .option(
      "--stats-history-min <m>",
      "minutes of agent stats history (a row per agent per 30 s)",
      String(DEFAULT_VOLUME.statsHistoryMinutes),
    )
    .option(
      "--builds-per-workspace <n>",
      `builds per workspace, alternating start/stop and ending with the running start (1: new workspaces; max ${MAX_BUILDS_PER_WORKSPACE})`,
      String(BUILDS_PER_WORKSPACE),
    )
    .option("--batches <n>", "batches per statement (the confidence intervals are over batches)", "5")
    .option(
      "--only <ids>",
      `only these statement classes (comma-separated ids, see docs/measure-db.md); ${NOTIFY_HOLD_ID} (never run by default) measures the notify-queue lock's hold`,
    )
    .option(
      "--pg-bin <dir>",
      "start the throw-away server from this directory's initdb and postgres (another PostgreSQL version)",
    )
    .action(async (flags: MeasureDbFlags) => {
      const volume = {
        ...DEFAULT_VOLUME,
        workspaces: positive("--workspaces", flags.workspaces, true, 10),
        statsHistoryMinutes: positive("--stats-history-min", flags.statsHistoryMin, true),
        buildsPerWorkspace: positive("--builds-per-workspace", flags.buildsPerWorkspace, true),
      };
      if (volume.buildsPerWorkspace > MAX_BUILDS_PER_WORKSPACE) {
        throw new InputError({
          file: "--builds-per-workspace",
          path: "",
          message: `must be at most ${MAX_BUILDS_PER_WORKSPACE}, got "${flags.buildsPerWorkspace}"`,
        });
      }
      const durationSeconds = positive("--duration-s", flags.durationS, false);
      const batches = positive("--batches", flags.batches, true, 2);
      const url = databaseUrl(flags.databaseUrl);
      const pgBin = flags.pgBin === undefined ? undefined : pgBinDir(flags.pgBin, url);
      const only = flags.only
        ?.split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      // The experiment is selectable by name but stays out of the statement class list.
      const unknown = (only ?? []).filter((id) => id !== NOTIFY_HOLD_ID && !statementIds().includes(id));
      if (unknown.length > 0) {
        throw new InputError({
          file: "--only",
          path: "",
          message: `unknown statement class ${unknown.join(", ")}; known: ${statementIds().join(", ")}`,
        });
      }
      const date = new Date().toISOString().slice(0, 10);
      const outPath = resolve(flags.out ?? `results/measure-db/${date}.yaml`);
      const command = ["capsim measure-db", ...process.argv.slice(3)].join(" ");

      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      const log = (line: string) => process.stderr.write(`measure-db: ${line}\n`);
      try {
        const result = await runMeasureDb({
          databaseUrl: url,
          ...(pgBin !== undefined && { pgBin }),
          volume,
          durationSeconds,
          batches,
          only,
          log,
          signal: abort.signal,
        });
        writeFileAtomic(outPath, overlayDocument(result, command));
        process.stdout.write(textTable(result));
        log(`overlay written to ${outPath}`);
      } catch (err) {
        if (!abort.signal.aborted) throw err;
        log("interrupted; server stopped and its directory removed");
        process.exitCode = ExitCode.interrupted;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
