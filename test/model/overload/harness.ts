import { distributionFromSpec, RandomStreams } from "../../../src/engine/random/index.js";
import { CountedPool } from "../../../src/engine/resources/countedPool.js";
import { FcfsQueue } from "../../../src/engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../../src/engine/simulation.js";
import type { ClientPolicy } from "../../../src/model/clientPolicy.js";
import { RequestPipeline, type Step } from "../../../src/model/requestPipeline.js";

/** coderd CPU per request (mean 10 ms on 1 core: capacity 100 requests/s), then one 2 ms query. */
export const CPU_MEAN_S = 0.01;
export const CAPACITY_PER_S = 1 / CPU_MEAN_S;

export interface PipelineRun {
  /** Latency of every request as coderd finished it, and whether it failed. */
  latencies: number[];
  failed: boolean[];
  /** Times the client got an answer (its handler ran without a timeout). */
  answeredAt: number[];
  figures: Record<string, number>;
  dbCpuSeconds: number;
}

const EXP = (mean: number) => distributionFromSpec({ dist: "exponential", mean } as never);

/** The default request: exponential coderd CPU (mean 10 ms), then one exponential 2 ms query. */
export const API_STEPS: Step[] = [
  { kind: "coderdCpu", work: EXP(CPU_MEAN_S) },
  { kind: "query", work: EXP(0.002), statements: 1, logged: false, notify: false },
];

/** One replica (1-core coderd, pool of 10, 1-core database) and one request class with these steps. */
export function harness(steps: Step[], client?: ClientPolicy, seed = 7) {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const coderd = new ProcessorSharingCpu(sim, { name: "coderd", cores: 1 });
  const db = new ProcessorSharingCpu(sim, { name: "db", cores: 1 });
  const pool = new CountedPool(sim, { name: "pool", size: 10 });
  const lock = new FcfsQueue(sim, { name: "lock" });
  const out: PipelineRun = { latencies: [], failed: [], answeredAt: [], figures: {}, dbCpuSeconds: 0 };
  const pipeline = new RequestPipeline(
    sim,
    {
      coderdCpu: [coderd],
      pools: [pool],
      dbCpu: db,
      notifyLock: lock,
      notifyHold: distributionFromSpec(0),
      dbRttSeconds: 0.001,
      clientRttSeconds: 0.002,
      streamFor: (name) => streams.stream(name),
    },
    {
      onRequestDone: (_cls, _r, latency, _owner, failed) => {
        out.latencies.push(latency);
        out.failed.push(failed);
      },
      onCommit: () => {},
    },
  );
  coderd.onComplete((tag) => pipeline.cpuDone(tag));
  db.onComplete((tag) => pipeline.cpuDone(tag));
  pool.onGrant((tag, unit) => pipeline.connectionGranted(tag, unit));
  lock.onComplete((tag) => pipeline.lockDone(tag));
  const api = pipeline.define({
    name: "dashboard_api",
    steps,
    route: { method: "GET", path: "/api/v2/workspaces" },
    http: true,
    agentApi: false,
    ...(client ? { client } : {}),
  });
  const answered = (): void => {
    out.answeredAt.push(sim.now);
  };
  pipeline.onDone(api, answered);
  return { sim, streams, pipeline, api, out, db, pool };
}

/** Poisson arrivals at `ratePerS` for `seconds` to one replica; the client follows `client` if given. */
export function runPipeline(ratePerS: number, seconds: number, client?: ClientPolicy, seed = 7): PipelineRun {
  const { sim, streams, pipeline, api, out, db } = harness(API_STEPS, client, seed);
  const arrivals = streams.stream("arrivals");
  const next = (): void => {
    if (sim.now >= seconds) return;
    pipeline.startRequest(api, 0);
    sim.after(-Math.log(1 - arrivals()) / ratePerS, next);
  };
  sim.after(0, next);
  sim.run(seconds);
  out.figures = pipeline.overloadFigures();
  out.dbCpuSeconds = db.cpuSecondsTotal;
  return out;
}
