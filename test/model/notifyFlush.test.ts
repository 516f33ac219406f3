import { describe, expect, it } from "vitest";
import { distributionFromSpec, RandomStreams } from "../../src/engine/random/index.js";
import { CountedPool } from "../../src/engine/resources/countedPool.js";
import { FcfsQueue } from "../../src/engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";
import { RequestPipeline, type Step } from "../../src/model/requestPipeline.js";

// The notify lock's hold: a NOTIFY alone (pubsub.Publish) holds it notify_commit_s; one committed with its
// logged write (a trigger) holds it across the WAL flush too (docs/model.md, The notify-queue lock, measured).
function latencyOf(step: Step, commitFlush = true): number {
  const sim = new Simulation();
  const db = new ProcessorSharingCpu(sim, { name: "db", cores: 1 });
  const pool = new CountedPool(sim, { name: "pool", size: 1 });
  const lock = new FcfsQueue(sim, { name: "lock" });
  const done: number[] = [];
  const pipeline = new RequestPipeline(
    sim,
    {
      coderdCpu: [new ProcessorSharingCpu(sim, { name: "coderd", cores: 1 })],
      pools: [pool],
      dbCpu: db,
      notifyLock: lock,
      notifyHold: distributionFromSpec(0.001),
      ...(commitFlush && { commitFlush: distributionFromSpec(0.002) }),
      dbRttSeconds: 0,
      clientRttSeconds: 0,
      streamFor: (name) => new RandomStreams(1).stream(name),
    },
    { onRequestDone: (_c, _r, latency) => done.push(latency), onCommit: () => {} },
  );
  db.onComplete((tag) => pipeline.cpuDone(tag));
  pool.onGrant((tag, unit) => pipeline.connectionGranted(tag, unit));
  lock.onComplete((tag) => pipeline.lockDone(tag));
  pipeline.startRequest(pipeline.define({ name: "q", steps: [step], http: false, agentApi: false }), 0);
  sim.run(1);
  expect(done).toHaveLength(1);
  return Number(done[0]!.toFixed(9));
}

const query = (over: Partial<Step & { kind: "query" }>): Step => ({
  kind: "query",
  work: distributionFromSpec(0.01),
  statements: 1,
  logged: false,
  notify: false,
  ...over,
});

describe("the notify lock's hold (hand-computed: 10 ms of database work, 1 ms hold, 2 ms flush)", () => {
  it("holds no lock without a NOTIFY", () => {
    expect(latencyOf(query({ logged: true }))).toBe(0.01);
  });

  it("holds notify_commit_s for a NOTIFY that commits alone, logged write or not", () => {
    expect(latencyOf(query({ notify: true }))).toBe(0.011);
    expect(latencyOf(query({ notify: true, logged: true }))).toBe(0.011);
  });

  it("adds the WAL flush for a NOTIFY committed with its logged write, when the model gives one", () => {
    expect(latencyOf(query({ notify: true, logged: true, notifyFlushes: true }))).toBe(0.013);
    expect(latencyOf(query({ notify: true, logged: true, notifyFlushes: true }), false)).toBe(0.011);
    // An unlogged write's commit does not wait for the disk.
    expect(latencyOf(query({ notify: true, logged: false, notifyFlushes: true }))).toBe(0.011);
  });
});
