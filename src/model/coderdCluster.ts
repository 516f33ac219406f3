import type { Rng } from "../engine/random/index.js";
import { CountedPool } from "../engine/resources/countedPool.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
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
  /** Relayed messages per replica, per second (both directions: each write and each echo). */
  readonly relayedMessagesPerSecond: Float64Array;
  /** Provisioner job updates handled per replica, per second (fluid). */
  readonly jobUpdatesPerSecond: Float64Array;
  /** Terraform of built-in provisioner daemons running on the replica, vCPU (fluid). */
  readonly builtinProvisionerVcpu: Float64Array;
  /** Told after a replica's fluid inputs changed (agents, job updates, up or down): the database follows. */
  private readonly onFluidChanged: (() => void) | undefined;
  /** Replicas behind the load balancer now (ready pods). */
  private readonly up: Uint8Array;
  private upList: number[];
  /** Steady extra CPU of every live replica (database encryption), vCPU. */
  private readonly extraVcpuPerReplica: number;
  /** Extra memory per connected agent (Prometheus agent stats), MB. */
  private readonly extraMemoryPerAgentMb: number;

  constructor(
    sim: Simulation,
    scenario: Scenario,
    private readonly model: ModelFile,
    private readonly lbRng: Rng,
    /** Heartbeat cost sits on coderd only in versions that write one row per heartbeat. */
    private readonly heartbeatIntervalSeconds: number,
    options: {
      maxReplicas?: number;
      extraVcpuPerReplica?: number;
      extraMemoryPerAgentMb?: number;
      onFluidChanged?: () => void;
    } = {},
  ) {
    this.onFluidChanged = options.onFluidChanged;
    const c = scenario.deployment.coderd;
    // Scale events may add replicas later: every replica that can ever run exists, the later ones down.
    const n = Math.max(c.replicas, options.maxReplicas ?? 0);
    this.replicas = n;
    this.cpus = Array.from(
      { length: n },
      (_, i) => new ProcessorSharingCpu(sim, { name: `coderd-${i} cpu`, cores: c.vcpu }),
    );
    this.pools = Array.from(
      { length: n },
      (_, i) => new CountedPool(sim, { name: `coderd-${i} db pool`, size: c.pg_conn_max_open }),
    );
    this.agents = new Float64Array(n);
    this.otherWebsockets = new Float64Array(n);
    this.relayedBytesPerSecond = new Float64Array(n);
    this.relayedMessagesPerSecond = new Float64Array(n);
    this.jobUpdatesPerSecond = new Float64Array(n);
    this.builtinProvisionerVcpu = new Float64Array(n);
    this.up = new Uint8Array(n);
    this.upList = [];
    for (let r = 0; r < c.replicas; r++) {
      this.up[r] = 1;
      this.upList.push(r);
    }
    this.extraVcpuPerReplica = options.extraVcpuPerReplica ?? 0;
    this.extraMemoryPerAgentMb = options.extraMemoryPerAgentMb ?? 0;
    if (this.extraVcpuPerReplica > 0) for (let r = 0; r < c.replicas; r++) this.refreshFluid(r);
  }

  /** Kubernetes Services spread new connections and requests at random over ready replicas. */
  pickReplica(): number {
    return this.upList[Math.floor(this.lbRng() * this.upList.length)]!;
  }

  isUp(r: number): boolean {
    return this.up[r] === 1;
  }

  /** Replicas behind the load balancer now. */
  get upCount(): number {
    return this.upList.length;
  }

  /** Takes a replica out of (or back into) the load balancer; its fluid load is recomputed. */
  setUp(r: number, isUp: boolean): void {
    if ((this.up[r] === 1) === isUp) return;
    this.up[r] = isUp ? 1 : 0;
    this.upList = [];
    for (let k = 0; k < this.replicas; k++) if (this.up[k] === 1) this.upList.push(k);
    this.refreshFluid(r);
  }

  /** Recomputes replica r's fluid CPU: connections, heartbeats, relayed bytes, provisioner job updates. */
  refreshFluid(r: number): void {
    const m = this.model.coderd;
    let vcpu =
      this.agents[r]! * m.connection_cpu_vcpu.value +
      (this.agents[r]! / this.heartbeatIntervalSeconds) * m.heartbeat_cpu_s.value +
      relayVcpu(m, this.relayedBytesPerSecond[r]!, this.relayedMessagesPerSecond[r]!) +
      this.jobUpdatesPerSecond[r]! * m.job_cpu_s.value;
    // Options that cost CPU, only when in use (so the sum above stays bit-for-bit what it was).
    if (this.builtinProvisionerVcpu[r]! > 0) vcpu += this.builtinProvisionerVcpu[r]!;
    if (this.extraVcpuPerReplica > 0 && this.up[r] === 1) vcpu += this.extraVcpuPerReplica;
    this.cpus[r]!.setBackgroundLoad(vcpu);
    this.onFluidChanged?.();
  }

  /** Database connections replica r's pool holds open: those in use, or its idle minimum. */
  openConnections(r: number): number {
    return Math.max(this.pools[r]!.inUse, this.maxIdleConnections(r));
  }

  /** Idle connections replica r's pool keeps (CODER_PG_CONN_MAX_IDLE=auto: max_open / divisor). */
  maxIdleConnections(r: number): number {
    return maxIdleConnections(this.pools[r]!.size, this.model.coderd.pg_conn_idle_divisor.value);
  }

  websockets(r: number): number {
    return this.agents[r]! + this.otherWebsockets[r]!;
  }

  memoryGb(r: number): number {
    const m = this.model.coderd;
    if (this.up[r] === 0) return 0;
    let mb =
      this.agents[r]! * m.memory_per_agent_mb.value +
      this.websockets(r) * m.memory_per_websocket_mb.value +
      (this.relayedBytesPerSecond[r]! / MIB) * m.memory_per_relayed_mib_per_s_mb.value;
    if (this.extraMemoryPerAgentMb > 0) mb += this.agents[r]! * this.extraMemoryPerAgentMb;
    return m.memory_base_gb.value + mb / 1024;
  }

  totalAgents(): number {
    let n = 0;
    for (let r = 0; r < this.replicas; r++) n += this.agents[r]!;
    return n;
  }
}

/**
 * CPU of relaying traffic (coderd or a workspace proxy, which runs the same code), vCPU: a cost per
 * message (websocket frame, WireGuard packet, netstack segment, goroutine wake-ups) plus a cost per byte
 * (encryption, copies). One definition for coderd's replicas and the proxies.
 */
export function relayVcpu(m: ModelFile["coderd"], bytesPerSecond: number, messagesPerSecond: number): number {
  const v = (bytesPerSecond / MIB) * m.relay_cpu_s_per_mib.value;
  // A model without the per-message part runs bit for bit as before it existed.
  return m.relay_cpu_s_per_message === undefined
    ? v
    : v + messagesPerSecond * m.relay_cpu_s_per_message.value;
}

/** CODER_PG_CONN_MAX_IDLE=auto: a pool of `maxOpen` keeps ceil(maxOpen / divisor) connections idle. */
export function maxIdleConnections(maxOpen: number, divisor: number): number {
  return Math.ceil(maxOpen / divisor);
}
