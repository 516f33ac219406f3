import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import {
  HOLD_SHAPES,
  type HoldPoint,
  NOTIFY_HOLD_ID,
  summarizeHold,
} from "../../src/measuredb/notifyHold.js";
import { overlayDocument } from "../../src/measuredb/overlay.js";
import { type MeasureDbResult, runMeasureDb } from "../../src/measuredb/runMeasureDb.js";
import { findBinaries } from "../../src/measuredb/server.js";

const { found, tried } = await findBinaries();
if (!found) {
  const reason = `no PostgreSQL to start (${tried.join("; ")})`;
  if (process.env.CAPSIM_REQUIRE_TOOLS === "1") throw new Error(`CAPSIM_REQUIRE_TOOLS=1 but ${reason}`);
  console.warn(`skipping notify-lock tests: ${reason}`);
}

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
