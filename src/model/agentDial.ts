import type { Simulation } from "../engine/simulation.js";
import type { AgentFleet } from "./agentFleet.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { RequestPipeline } from "./requestPipeline.js";

/** What a dropped agent needs to dial coderd again. */
export interface AgentDialer {
  sim: Simulation;
  cluster: CoderdCluster;
  fleet: AgentFleet;
  pipeline: RequestPipeline;
  /** The agent_reconnect request class: auth, manifest, connection row, tailnet peer update. */
  reconnectClass: number;
  /** An agent's longest wait between attempts while no replica answers, seconds. */
  retrySeconds: number;
}

/** agent/agent.go runLoop: dial until a replica answers, then reconnect there with its request; `done` once attached. */
export function dialAgent(d: AgentDialer, agent: number, done?: () => void): void {
  if (d.cluster.upCount === 0) {
    d.sim.after(d.retrySeconds, () => dialAgent(d, agent, done));
    return;
  }
  const r = d.fleet.reconnect(agent);
  if (r >= 0) d.pipeline.startRequest(d.reconnectClass, r, -1, 0, d.fleet.rttOf(agent));
  done?.();
}
