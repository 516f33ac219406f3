import type { Rng } from "../engine/random/index.js";
import type { ActionId, FixedDelayId, Simulation } from "../engine/simulation.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { MetadataPath } from "./coderVersion.js";
import type { RequestPipeline } from "./requestPipeline.js";

/** Agents' timers carry (agent, epoch) in one number so a reconnected agent's old timers die quietly. */
const EPOCH_SPAN = 1 << 22;

export interface AgentFleetOptions {
  agents: number;
  metadataPath: MetadataPath;
  metadataItems: number;
  metadataIntervalSeconds: number;
  metadataReportTickSeconds: number;
  statsIntervalSeconds: number;
  classes: { metadataRpc: number; statsRpc: number; statsRpcWithSession: number };
  /** Round trip from each agent's region to coderd beyond the model's client RTT (geography), seconds. */
  extraRttSeconds?: Float64Array;
  /** Told when an agent connects (the runner waits for it); not told about reconnects. */
  onConnect: (agent: number) => void;
  /** Told when an agent's coordinate stream opens or closes on a replica (connects, reconnects, drops). */
  onTailnet?: (event: "agent_up" | "agent_down", agent: number, replica: number) => void;
}

/** How often an agent sends metadata, and how many calls each time (the replay of bench/fleetReplay.ts shares it). */
export function metadataCadence(
  opts: Pick<
    AgentFleetOptions,
    "metadataPath" | "metadataItems" | "metadataIntervalSeconds" | "metadataReportTickSeconds"
  >,
): { periodSeconds: number; callsPerTick: number } {
  // Batched agents report at most once per tick; per-item agents call once per item per interval.
  return opts.metadataPath === "per_item"
    ? { periodSeconds: opts.metadataIntervalSeconds, callsPerTick: opts.metadataItems }
    : {
        periodSeconds: Math.max(opts.metadataIntervalSeconds, opts.metadataReportTickSeconds),
        callsPerTick: 1,
      };
}

/**
 * One workspace agent per workspace: a long-lived connection to one coderd replica, and the periodic
 * calls timing matters for (metadata, stats) as events. Heartbeats are a dense stream carried as a rate
 * by the cluster's fluid load.
 */
export class AgentFleet {
  /** Replica an agent is connected to, or −1. */
  private readonly replicaOf: Int32Array;
  private readonly epoch: Uint32Array;
  /** Open user sessions (SSH, terminal, app) per agent: stats reports then bump activity. */
  private readonly sessions: Uint16Array;
  /** Calls in flight per agent: the agent's report loops are sequential, so a late reply delays the next. */
  private readonly metadataInFlight: Uint8Array;
  private readonly statsInFlight: Uint8Array;
  /** A tick came while a call was in flight; send once it returns (values coalesce on the agent). */
  private readonly metadataOwed: Uint8Array;
  private readonly statsOwed: Uint8Array;
  private connected = 0;
  private changes = 0;
  private readonly metadataAction: ActionId;
  private readonly statsAction: ActionId;
  private readonly metadataPeriodSeconds: number;
  /** The loops' periods as fixed delays: their next ticks queue in posting order (see Simulation.fixedDelay). */
  private readonly metadataPeriod: FixedDelayId;
  private readonly statsPeriod: FixedDelayId;
  private readonly callsPerMetadataTick: number;
  private readonly extraRttSeconds: Float64Array | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly pipeline: RequestPipeline,
    private readonly rng: Rng,
    private readonly opts: AgentFleetOptions,
  ) {
    if (opts.agents >= EPOCH_SPAN) throw new RangeError(`at most ${EPOCH_SPAN - 1} agents per run`);
    this.extraRttSeconds = opts.extraRttSeconds;
    this.replicaOf = new Int32Array(opts.agents).fill(-1);
    this.epoch = new Uint32Array(opts.agents);
    this.sessions = new Uint16Array(opts.agents);
    this.metadataInFlight = new Uint8Array(opts.agents);
    this.statsInFlight = new Uint8Array(opts.agents);
    this.metadataOwed = new Uint8Array(opts.agents);
    this.statsOwed = new Uint8Array(opts.agents);
    const cadence = metadataCadence(opts);
    this.metadataPeriodSeconds = cadence.periodSeconds;
    this.callsPerMetadataTick = cadence.callsPerTick;
    this.metadataPeriod = opts.metadataItems > 0 ? sim.fixedDelay(this.metadataPeriodSeconds) : -1;
    this.statsPeriod = sim.fixedDelay(opts.statsIntervalSeconds);
    this.metadataAction = sim.register((arg) => this.metadataTick(arg));
    this.statsAction = sim.register((arg) => this.statsTick(arg));
  }

  get connectedAgents(): number {
    return this.connected;
  }

  /** Connects and disconnects so far: a reader of who is connected knows when to look again. */
  get connectionChanges(): number {
    return this.changes;
  }

  isConnected(agent: number): boolean {
    return this.replicaOf[agent]! >= 0;
  }

  connect(agent: number): void {
    if (this.attach(agent) >= 0) this.opts.onConnect(agent);
  }

  /** Connects again after a drop (a lost replica): the loops restart, the runner is not told. Returns the replica. */
  reconnect(agent: number): number {
    return this.attach(agent);
  }

  /** Agents connected to a replica now. */
  agentsOn(replica: number): number[] {
    const out: number[] = [];
    for (let a = 0; a < this.replicaOf.length; a++) if (this.replicaOf[a] === replica) out.push(a);
    return out;
  }

  /** Replica an agent is connected to, or −1. */
  replicaOfAgent(agent: number): number {
    return this.replicaOf[agent]!;
  }

  /** Extra round trip of an agent's calls (its region), seconds. */
  rttOf(agent: number): number {
    return this.extraRttSeconds ? this.extraRttSeconds[agent]! : 0;
  }

  private attach(agent: number): number {
    if (this.replicaOf[agent]! >= 0) return -1;
    const r = this.cluster.pickReplica();
    this.replicaOf[agent] = r;
    this.connected++;
    this.changes++;
    this.cluster.agents[r]!++;
    this.cluster.refreshFluid(r);
    this.opts.onTailnet?.("agent_up", agent, r);
    const token = agent + this.epoch[agent]! * EPOCH_SPAN;
    // Each agent starts its collection loops on connect; the phase against other agents is random. These
    // first ticks wait aside (thousands at once while a fleet connects); the periods then run in lanes.
    if (this.opts.metadataItems > 0) {
      this.sim.postAside(this.rng() * this.metadataPeriodSeconds, this.metadataAction, token);
    }
    this.sim.postAside(this.rng() * this.opts.statsIntervalSeconds, this.statsAction, token);
    return r;
  }

  disconnect(agent: number): void {
    const r = this.replicaOf[agent]!;
    if (r < 0) return;
    this.replicaOf[agent] = -1;
    this.epoch[agent] = (this.epoch[agent]! + 1) % 1024;
    this.connected--;
    this.changes++;
    this.cluster.agents[r]!--;
    this.cluster.refreshFluid(r);
    this.opts.onTailnet?.("agent_down", agent, r);
  }

  openSession(agent: number): void {
    this.sessions[agent]!++;
  }

  closeSession(agent: number): void {
    if (this.sessions[agent]! > 0) this.sessions[agent]!--;
  }

  private live(token: number): number {
    const epoch = Math.floor(token / EPOCH_SPAN);
    // Tokens pass 2^31 (not small integers): a subtraction, not `%` (a call to fmod on doubles).
    const agent = token - epoch * EPOCH_SPAN;
    return this.replicaOf[agent]! >= 0 && this.epoch[agent] === epoch ? agent : -1;
  }

  /** Pipeline callback: one of the agent's metadata calls returned. */
  metadataReturned(agent: number): void {
    if (this.metadataInFlight[agent]! > 0) this.metadataInFlight[agent]!--;
    if (this.metadataInFlight[agent] === 0 && this.metadataOwed[agent] === 1 && this.replicaOf[agent]! >= 0) {
      this.metadataOwed[agent] = 0;
      this.sendMetadata(agent);
    }
  }

  /** Pipeline callback: the agent's stats call returned. */
  statsReturned(agent: number): void {
    this.statsInFlight[agent] = 0;
    if (this.statsOwed[agent] === 1 && this.replicaOf[agent]! >= 0) {
      this.statsOwed[agent] = 0;
      this.sendStats(agent);
    }
  }

  private metadataTick(token: number): void {
    const agent = this.live(token);
    if (agent < 0) return;
    if (this.metadataInFlight[agent]! > 0) this.metadataOwed[agent] = 1;
    else this.sendMetadata(agent);
    this.sim.postFixed(this.metadataPeriod, this.metadataAction, token);
  }

  private sendMetadata(agent: number): void {
    const r = this.replicaOf[agent]!;
    this.metadataInFlight[agent] = this.callsPerMetadataTick;
    for (let i = 0; i < this.callsPerMetadataTick; i++) {
      this.pipeline.startRequest(this.opts.classes.metadataRpc, r, agent, 0, this.rttOf(agent));
    }
  }

  private statsTick(token: number): void {
    const agent = this.live(token);
    if (agent < 0) return;
    if (this.statsInFlight[agent] === 1) this.statsOwed[agent] = 1;
    else this.sendStats(agent);
    this.sim.postFixed(this.statsPeriod, this.statsAction, token);
  }

  private sendStats(agent: number): void {
    const cls =
      this.sessions[agent]! > 0 ? this.opts.classes.statsRpcWithSession : this.opts.classes.statsRpc;
    this.statsInFlight[agent] = 1;
    this.pipeline.startRequest(cls, this.replicaOf[agent]!, agent, 0, this.rttOf(agent));
  }
}
