import { CountedPool } from "../engine/resources/countedPool.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
import type { Rng } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import type { Scenario } from "../scenario/index.js";
import type { ModelFile } from "./modelSchema.js";

const MIB = 1024 * 1024;

/**
 * The coderd replicas behind a load balancer: a processor-sharing CPU and a PostgreSQL connection pool
 * per replica, plus the per-replica state that drives fluid load, memory and websocket gauges.
 */
export class CoderdCluster {
  readonly cpus: ProcessorSharingCpu[];
  readonly pools: CountedPool[];
  readonly replicas: number;
  /** Connected agents per replica. */
  readonly agents: Float64Array;
  /** Open websockets other than agents' (dashboard sessions, workspace connections) per replica. */
  readonly otherWebsockets: Float64Array;
  /** Relayed traffic per replica, bytes per second (both directions). */
  readonly relayedBytesPerSecond: Float64Array;
  /** Provisioner job updates handled per replica, per second (fluid). */
  readonly jobUpdatesPerSecond: Float64Array;
  /** HTTP requests completed per replica (coderd_api_requests_processed_total). */
  readonly httpRequests: Float64Array;

  constructor(
    sim: Simulation,
    scenario: Scenario,
    private readonly model: ModelFile,
    private readonly lbRng: Rng,
    /** Heartbeat cost sits on coderd only in versions that write one row per heartbeat. */
    private readonly heartbeatIntervalSeconds: number,
  ) {
    const c = scenario.deployment.coderd;
    this.replicas = c.replicas;
    this.cpus = Array.from(
      { length: c.replicas },
      (_, i) => new ProcessorSharingCpu(sim, { name: `coderd-${i} cpu`, cores: c.vcpu }),
    );
    this.pools = Array.from(
      { length: c.replicas },
      (_, i) => new CountedPool(sim, { name: `coderd-${i} db pool`, size: c.pg_conn_max_open }),
    );
    this.agents = new Float64Array(c.replicas);
    this.otherWebsockets = new Float64Array(c.replicas);
    this.relayedBytesPerSecond = new Float64Array(c.replicas);
    this.jobUpdatesPerSecond = new Float64Array(c.replicas);
    this.httpRequests = new Float64Array(c.replicas);
  }

  /** Kubernetes Services spread new connections and requests at random over ready replicas. */
  pickReplica(): number {
    return Math.floor(this.lbRng() * this.replicas);
  }

  /** Recomputes replica r's fluid CPU: connections, heartbeats, relayed bytes, provisioner job updates. */
  refreshFluid(r: number): void {
    const m = this.model.coderd;
    const vcpu =
      this.agents[r]! * m.connection_cpu_vcpu.value +
      (this.agents[r]! / this.heartbeatIntervalSeconds) * m.heartbeat_cpu_s.value +
      (this.relayedBytesPerSecond[r]! / MIB) * m.relay_cpu_s_per_mib.value +
      this.jobUpdatesPerSecond[r]! * m.job_cpu_s.value;
    this.cpus[r]!.setBackgroundLoad(vcpu);
  }

  websockets(r: number): number {
    return this.agents[r]! + this.otherWebsockets[r]!;
  }

  memoryGb(r: number): number {
    const m = this.model.coderd;
    return (
      m.memory_base_gb.value +
      (this.agents[r]! * m.memory_per_agent_mb.value +
        this.websockets(r) * m.memory_per_websocket_mb.value +
        (this.relayedBytesPerSecond[r]! / MIB) * m.memory_per_relayed_mib_per_s_mb.value) /
        1024
    );
  }

  totalAgents(): number {
    let n = 0;
    for (let r = 0; r < this.replicas; r++) n += this.agents[r]!;
    return n;
  }
}
