import type { Scenario } from "../scenario/index.js";

/** Up-front cost estimate of a run, so an absurd scenario is refused before it starts. */
export interface RunEstimate {
  events: number;
  /** Peak memory of one replication, bytes. */
  memoryBytes: number;
  /** Wall time at a conservative 1.5 M events/s on one core, seconds. */
  wallSeconds: number;
}

/** Events per agent-second of the periodic calls (timer, coderd CPU, database job, lock, release). */
const EVENTS_PER_CALL = 5;
/** Typed-array state and pending timers per agent, bytes (measured: 126 MB RSS for 2000 agents is mostly V8). */
const BYTES_PER_AGENT = 400;
const BASE_BYTES = 120 * 1024 * 1024;
const EVENTS_PER_SECOND = 1.5e6;

export function estimateRun(scenario: Scenario, replications: number): RunEstimate {
  const w = scenario.workload;
  const end = Math.max(...scenario.stages.map((s) => s.start_s + s.duration_s));
  const metadataCallsPerSecond =
    w.agent.metadata.items > 0 ? 1 / Math.max(1, w.agent.metadata.interval_s) : 0;
  const callsPerAgentSecond =
    metadataCallsPerSecond * Math.max(1, w.agent.metadata.items) + 1 / w.agent.stats_interval_s;
  const events = w.workspaces * callsPerAgentSecond * EVENTS_PER_CALL * end * replications;
  const scrapes = end / scenario.scrape_interval_s;
  const memoryBytes =
    BASE_BYTES + w.workspaces * BYTES_PER_AGENT + scrapes * 80 * 8 * scenario.deployment.coderd.replicas;
  return { events, memoryBytes, wallSeconds: events / EVENTS_PER_SECOND };
}

export function describeEstimate(e: RunEstimate): string {
  const minutes = e.wallSeconds / 60;
  const time =
    minutes >= 1 ? `${minutes.toFixed(minutes >= 10 ? 0 : 1)} min` : `${e.wallSeconds.toFixed(0)} s`;
  return `about ${e.events.toExponential(1)} events (~${time} on one core) and ${(e.memoryBytes / 2 ** 30).toFixed(2)} GiB per replication`;
}
