import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import {
  HOLD_SHAPES,
  type HoldPoint,
  NOTIFY_HOLD_ID,
  summarizeHold,
} from "../../src/measuredb/notifyHold.js";
import { overlayDocument, textTable } from "../../src/measuredb/overlay.js";
import { type MeasureDbResult, runMeasureDb } from "../../src/measuredb/runMeasureDb.js";
import { postgresAvailable } from "../helpers/postgres.js";

const found = await postgresAvailable();

const CLASSES = [
  "api_key_lookup",
  "heartbeat_update",
  "metadata_update_per_agent",
  "metadata_notify_per_agent",
  "stats_insert_large",
  "deployment_agent_stats",
];

interface Figure {
  value: number;
  unit: string;
  source: string;
}
interface Overlay {
  statements: Record<string, Record<string, unknown> & { statement: string }>;
  model_parameters: { database: Record<string, Figure> };
  measured_with: { postgresql: { settings: Record<string, string> } };
}

describe.skipIf(!found)("measure-db against a real PostgreSQL", () => {
  let result: MeasureDbResult;
  // The server's scratch directory, from its initdb line (other test files start servers at the same time).
  let scratch: string | undefined;

  beforeAll(async () => {
    result = await runMeasureDb({
      volume: { workspaces: 100, statsHistoryMinutes: 10, logLinesPerJob: 5 },
      durationSeconds: 4,
      batches: 3,
      only: CLASSES,
      log: (line) => {
        scratch ??= /^initdb in (\S+) /.exec(line)?.[1];
      },
    });
  });

  const by = (id: string) => result.results.find((r) => r.cls.id === id)!;

  it("measures every selected statement with positive, finite CPU per execution", () => {
    expect(result.results.map((r) => r.cls.id).sort()).toEqual([...CLASSES].sort());
    for (const r of result.results) {
      const cpu = r.backendCpuSeconds ?? r.cpuSeconds;
      expect(Number.isFinite(cpu.mean), r.cls.id).toBe(true);
      expect(cpu.mean, r.cls.id).toBeGreaterThan(0);
      expect(r.cpuSeconds.mean, r.cls.id).toBeGreaterThan(0);
      expect(r.batches).toBe(3);
    }
    expect(result.server.local).toBe(true);
  });

  it("orders costs sensibly: a 500-row insert costs more than a one-row update, a logged write more WAL than a read", () => {
    const cpu = (id: string) => (by(id).backendCpuSeconds ?? by(id).cpuSeconds).mean;
    expect(cpu("stats_insert_large")).toBeGreaterThan(cpu("heartbeat_update"));
    expect(by("stats_insert_large").rows).toBe(500);
    expect(by("heartbeat_update").walBytes.mean).toBeGreaterThan(0);
    expect(by("stats_insert_large").walBytes.mean).toBeGreaterThan(by("heartbeat_update").walBytes.mean);
    expect(by("heartbeat_update").walBytes.mean).toBeGreaterThan(by("api_key_lookup").walBytes.mean);
    // workspace_agent_metadata is UNLOGGED: its update writes only a commit record.
    expect(by("metadata_update_per_agent").statementWalBytes.mean).toBe(0);
    expect(by("metadata_update_per_agent").walBytes.mean).toBeLessThan(by("heartbeat_update").walBytes.mean);
  });

  it("counts one WAL flush per logged commit when a client commits alone", () => {
    const syncs = by("heartbeat_update").walSyncs;
    if (result.server.versionNum < 150000) return; // no reliable WAL I/O counters before 15
    expect(syncs!.mean).toBeGreaterThanOrEqual(0.9);
    expect(syncs!.mean).toBeLessThanOrEqual(1.5);
  });

  it("writes an overlay whose every number has value, unit and a source naming machine, version, volume and date", () => {
    const doc = YAML.parse(overlayDocument(result, "capsim measure-db --test")) as Overlay;
    const source = (f: Figure) => f.source;
    const checkFigure = (f: Figure, where: string) => {
      expect(typeof f.value, where).toBe("number");
      expect(Number.isFinite(f.value), where).toBe(true);
      expect(typeof f.unit, where).toBe("string");
      expect(source(f), where).toContain(`PostgreSQL ${result.server.version}`);
      expect(source(f), where).toContain(result.machine.cpuModel);
      expect(source(f), where).toContain("100 workspaces");
      expect(source(f), where).toContain(result.date.slice(0, 10));
    };
    for (const [id, entry] of Object.entries(doc.statements)) {
      expect(entry.statement, id).toBeTruthy();
      for (const [k, v] of Object.entries(entry)) {
        if (v && typeof v === "object" && "value" in v) checkFigure(v as Figure, `${id}.${k}`);
      }
      expect((entry.cpu_s_per_execution as Figure).value, id).toBeGreaterThan(0);
    }
    const params = doc.model_parameters.database;
    for (const k of [
      "read_query_cpu_s",
      "write_query_cpu_s",
      "notify_cpu_s",
      "deployment_stats_cpu_s_per_agent",
    ]) {
      checkFigure(params[k]!, k);
      expect(params[k]!.value, k).toBeGreaterThan(0);
    }
    expect(doc.measured_with.postgresql.settings.synchronous_commit).toBe("on");
  });

  it("prints a table with every statement and leaves no server directory behind", () => {
    const table = textTable(result);
    for (const id of CLASSES) expect(table).toContain(id);
    expect(scratch).toMatch(/capsim-measure-db-/);
    expect(existsSync(scratch!)).toBe(false);
  });
});

// In this file, not its own: two real-server suites in parallel would see each other's scratch directories.
/** A disk flush this slow or slower dominates a commit: NOTIFYing commits must then queue on it. */
const REAL_FLUSH_S = 0.0005;

describe.skipIf(!found)("the notify-queue lock on a real PostgreSQL", () => {
  let result: MeasureDbResult;
  const at = (shape: string, sc: string, clients: number): HoldPoint =>
    result.notifyHold!.points.find(
      (p) => p.shape === shape && p.synchronousCommit === sc && p.clients === clients,
    )!;

  beforeAll(async () => {
    result = await runMeasureDb({
      volume: { workspaces: 100, statsHistoryMinutes: 5, logLinesPerJob: 5 },
      durationSeconds: 6,
      batches: 2,
      only: [NOTIFY_HOLD_ID],
      log: () => {},
      notifyHold: {
        concurrency: [1, 8],
        shapes: HOLD_SHAPES.filter((s) => s.id === "publish" || s.id.startsWith("update")),
      },
    });
  });

  it("runs no statement class, only the experiment, and every point commits", () => {
    expect(result.results).toEqual([]);
    expect(result.notifyHold!.points).toHaveLength(10);
    for (const p of result.notifyHold!.points) {
      expect(p.commits, `${p.shape} ${p.synchronousCommit} C=${p.clients}`).toBeGreaterThan(10);
      expect(p.lockSamples).toBeGreaterThan(50);
      // The LISTEN connection consumed a notification per NOTIFYing commit, none for the others.
      if (p.notify) expect(p.notificationsReceived).toBe(p.commits);
      else expect(p.notificationsReceived).toBe(0);
    }
  });

  it("a NOTIFY alone (coderd's Publish) waits for no disk flush and holds the lock far shorter than a flushed commit", () => {
    const s = summarizeHold(result.notifyHold!.points);
    if (result.server.versionNum >= 150000) expect(s.publishFsyncsPerCommit!).toBeLessThan(0.05);
    expect(s.publishHoldS!).toBeLessThan(0.2 * at("update_notify", "on", 1).holdMeanS!);
    // Without the flush, the same transaction holds it about as briefly as a publish.
    expect(at("update_notify", "off", 1).holdMeanS!).toBeLessThan(
      0.2 * at("update_notify", "on", 1).holdMeanS!,
    );
  });

  it("NOTIFYing commits flush one by one (no group commit) while plain commits share flushes", (ctx) => {
    if (result.server.versionNum < 150000) ctx.skip();
    expect(at("update_notify", "on", 8).fsyncsPerCommit!).toBeGreaterThanOrEqual(0.9);
    const probe = result.notifyHold!.fsync;
    if (!probe || probe.p50S < REAL_FLUSH_S) {
      console.warn(
        `disk flush ${probe ? `${(probe.p50S * 1e3).toFixed(3)} ms` : "unmeasured"}: no group commit to see`,
      );
      return;
    }
    expect(at("update", "on", 8).fsyncsPerCommit!).toBeLessThan(0.8);
  });

  it("with a real disk flush, NOTIFYing commits serialize: the lock is saturated and throughput grows far less than without NOTIFY", (ctx) => {
    const probe = result.notifyHold!.fsync;
    if (!probe || probe.p50S < REAL_FLUSH_S) return ctx.skip();
    const notify = at("update_notify", "on", 8).throughput / at("update_notify", "on", 1).throughput;
    const plain = at("update", "on", 8).throughput / at("update", "on", 1).throughput;
    expect(at("update_notify", "on", 8).lockBusy).toBeGreaterThan(0.8);
    expect(notify).toBeLessThan(0.7 * plain);
    // Saturated, each commit holds the lock about one disk flush.
    expect(at("update_notify", "on", 8).holdMeanS!).toBeGreaterThan(0.25 * probe.p50S);
  });

  it("writes database.notify_commit_s and the experiment's points into the overlay", () => {
    const doc = YAML.parse(overlayDocument(result, "capsim measure-db --test")) as {
      model_parameters: { database: Record<string, { value: number; unit: string; source: string }> };
      notify_commit_hold: { points: unknown[]; summary: Record<string, unknown> };
      statements: Record<string, unknown>;
    };
    const hold = summarizeHold(result.notifyHold!.points).publishHoldS!;
    const f = doc.model_parameters.database.notify_commit_s;
    // A short run may see the publish commit's microseconds-long hold in no sample: no figure then.
    if (hold === 0) expect(f).toBeUndefined();
    else {
      expect(f!.unit).toBe("s");
      expect(f!.value).toBe(Number(hold.toPrecision(4)));
      for (const needle of [
        `PostgreSQL ${result.server.version}`,
        result.machine.cpuModel,
        "load average",
        "capsim measure-db --test",
      ])
        expect(f!.source).toContain(needle);
    }
    const section = YAML.stringify(doc.notify_commit_hold);
    for (const needle of ["load average", "fdatasync", "synchronous_commit: off", "wal_fsyncs_per_commit"])
      expect(section).toContain(needle);
    expect(doc.notify_commit_hold.points).toHaveLength(10);
    expect(Object.keys(doc.statements)).toEqual([]);
  });
});

describe("measure-db command line", () => {
  const cli = join(process.cwd(), "dist/cli/main.js");
  it.skipIf(!existsSync(cli))("refuses bad options with exit 2 and writes nothing", () => {
    const out = join(tmpdir(), `capsim-measure-db-test-${process.pid}.yaml`);
    for (const [args, message] of [
      [["--workspaces", "0"], "--workspaces: must be a positive integer"],
      [["--only", "nope"], "--only: unknown statement class nope"],
      [["--database-url", "http://x"], "--database-url: must be a postgres://"],
      [
        ["--pg-bin", "/nonexistent-capsim-dir"],
        "--pg-bin: no initdb and postgres in /nonexistent-capsim-dir",
      ],
      [
        ["--pg-bin", "/tmp", "--database-url", "postgres://x@127.0.0.1/db"],
        "--pg-bin: starts a local server",
      ],
    ] as const) {
      const r = spawnSync(process.execPath, [cli, "measure-db", ...args, "--out", out], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});
