import { distributionFromSpec, RandomStreams } from "../../src/engine/random/index.js";
import { CountedPool } from "../../src/engine/resources/countedPool.js";
import { FcfsQueue } from "../../src/engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";
import { RequestPipeline } from "../../src/model/requestPipeline.js";

/** What one request left when coderd finished it. */
export interface PipelineDone {
  latencies: number[];
  failed: boolean[];
}

export interface RigOptions {
  poolSize: number;
  dbRttSeconds: number;
  clientRttSeconds: number;
  seed: number;
}

/**
 * One replica wired as `controlPlane.ts` wires it: a 1-core coderd, a pool, a 1-core database and a
 * notify lock with no hold, each resource's completions fed back to the pipeline.
 */
export function pipelineRig(opts: RigOptions) {
  const sim = new Simulation();
  const streams = new RandomStreams(opts.seed);
  const coderd = new ProcessorSharingCpu(sim, { name: "coderd", cores: 1 });
  const db = new ProcessorSharingCpu(sim, { name: "db", cores: 1 });
  const pool = new CountedPool(sim, { name: "pool", size: opts.poolSize });
  const lock = new FcfsQueue(sim, { name: "lock" });
  const done: PipelineDone = { latencies: [], failed: [] };
  const pipeline = new RequestPipeline(
    sim,
    {
      coderdCpu: [coderd],
      pools: [pool],
      dbCpu: db,
      notifyLock: lock,
      notifyHold: distributionFromSpec(0),
      dbRttSeconds: opts.dbRttSeconds,
      clientRttSeconds: opts.clientRttSeconds,
      streamFor: (name) => streams.stream(name),
    },
    {
      onRequestDone: (_cls, _r, latency, _owner, failed) => {
        done.latencies.push(latency);
        done.failed.push(failed);
      },
      onCommit: () => {},
    },
  );
  coderd.onComplete((tag) => pipeline.cpuDone(tag));
  db.onComplete((tag) => pipeline.cpuDone(tag));
  pool.onGrant((tag, unit) => pipeline.connectionGranted(tag, unit));
  lock.onComplete((tag) => pipeline.lockDone(tag));
  return { sim, streams, pipeline, db, pool, done };
}
