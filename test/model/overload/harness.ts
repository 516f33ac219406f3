import { distributionFromSpec } from "../../../src/engine/random/index.js";
import type { ClientPolicy } from "../../../src/model/clientPolicy.js";
import type { Step } from "../../../src/model/requestPipeline.js";
import { pipelineRig } from "../pipelineRig.js";

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
  const rig = pipelineRig({ poolSize: 10, dbRttSeconds: 0.001, clientRttSeconds: 0.002, seed });
  const { sim, streams, pipeline, db, pool } = rig;
  const out: PipelineRun = { ...rig.done, answeredAt: [], figures: {}, dbCpuSeconds: 0 };
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
