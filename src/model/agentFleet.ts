import type { Rng } from "../engine/random/index.js";
import type { ActionId, FixedDelayId, Simulation } from "../engine/simulation.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { MetadataPath } from "./coderVersion.js";
import type { RequestPipeline } from "./requestPipeline.js";

/** Agents' timers carry (agent, epoch) in one number so a reconnected agent's old timers die quietly. */
const EPOCH_SPAN = 1 << 22;

/**
 * An agent's state is a row of int32 fields in one array (a timer then touches one cache line, not one
 * per array): the replica it is connected to or −1, the epoch of its timers, its open user sessions (SSH,
 * terminal, app: stats reports then bump activity), and per report loop its calls in flight (the loops
 * are sequential, so a late reply delays the next) and whether a tick came meanwhile (sent once the call
 * returns: values coalesce on the agent).
 */
const REPLICA = 0;
const EPOCH = 1;
const SESSIONS = 2;
const METADATA_IN_FLIGHT = 3;
const METADATA_OWED = 4;
const STATS_IN_FLIGHT = 5;
const STATS_OWED = 6;
const FIELDS = 8;

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
  /** Per agent, FIELDS int32s from agent × FIELDS (REPLICA, EPOCH, ...). */
  private readonly state: Int32Array;
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
    this.state = new Int32Array(opts.agents * FIELDS);
    for (let a = 0; a < opts.agents; a++) this.state[a * FIELDS + REPLICA] = -1;
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
    return this.state[agent * FIELDS + REPLICA]! >= 0;
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
    for (let a = 0; a < this.opts.agents; a++) if (this.state[a * FIELDS + REPLICA] === replica) out.push(a);
    return out;
  }

  /** Replica an agent is connected to, or −1. */
  replicaOfAgent(agent: number): number {
    return this.state[agent * FIELDS + REPLICA]!;
  }

  /** Extra round trip of an agent's calls (its region), seconds. */
  rttOf(agent: number): number {
    return this.extraRttSeconds ? this.extraRttSeconds[agent]! : 0;
  }

  private attach(agent: number): number {
    const at = agent * FIELDS;
    if (this.state[at + REPLICA]! >= 0) return -1;
    const r = this.cluster.pickReplica();
    this.state[at + REPLICA] = r;
    this.connected++;
    this.changes++;
    this.cluster.agents[r]!++;
    this.cluster.refreshFluid(r);
    this.opts.onTailnet?.("agent_up", agent, r);
    const token = agent + this.state[at + EPOCH]! * EPOCH_SPAN;
    // Each agent starts its collection loops on connect; the phase against other agents is random. These
    // first ticks wait aside (thousands at once while a fleet connects); the periods then run in lanes.
    if (this.opts.metadataItems > 0) {
      this.sim.postAside(this.rng() * this.metadataPeriodSeconds, this.metadataAction, token);
    }
    this.sim.postAside(this.rng() * this.opts.statsIntervalSeconds, this.statsAction, token);
    return r;
  }

  disconnect(agent: number): void {
    const at = agent * FIELDS;
    const r = this.state[at + REPLICA]!;
    if (r < 0) return;
    this.state[at + REPLICA] = -1;
    this.state[at + EPOCH] = (this.state[at + EPOCH]! + 1) % 1024;
    this.connected--;
    this.changes++;
    this.cluster.agents[r]!--;
    this.cluster.refreshFluid(r);
    this.opts.onTailnet?.("agent_down", agent, r);
  }

  openSession(agent: number): void {
    this.state[agent * FIELDS + SESSIONS]!++;
  }

  closeSession(agent: number): void {
    if (this.state[agent * FIELDS + SESSIONS]! > 0) this.state[agent * FIELDS + SESSIONS]!--;
  }

  private live(token: number): number {
    const epoch = Math.floor(token / EPOCH_SPAN);
    // Tokens pass 2^31 (not small integers): a subtraction, not `%` (a call to fmod on doubles).
    const agent = token - epoch * EPOCH_SPAN;
    const at = agent * FIELDS;
    return this.state[at + REPLICA]! >= 0 && this.state[at + EPOCH] === epoch ? agent : -1;
  }

  /** Pipeline callback: one of the agent's metadata calls returned. */
  metadataReturned(agent: number): void {
    const s = this.state;
    const at = agent * FIELDS;
    if (s[at + METADATA_IN_FLIGHT]! > 0) s[at + METADATA_IN_FLIGHT]!--;
    if (s[at + METADATA_IN_FLIGHT] === 0 && s[at + METADATA_OWED] === 1 && s[at + REPLICA]! >= 0) {
      s[at + METADATA_OWED] = 0;
      this.sendMetadata(agent);
    }
  }

  /** Pipeline callback: the agent's stats call returned. */
  statsReturned(agent: number): void {
    const s = this.state;
    const at = agent * FIELDS;
    s[at + STATS_IN_FLIGHT] = 0;
    if (s[at + STATS_OWED] === 1 && s[at + REPLICA]! >= 0) {
      s[at + STATS_OWED] = 0;
      this.sendStats(agent);
    }
  }

  private metadataTick(token: number): void {
    const agent = this.live(token);
    if (agent < 0) return;
    if (this.state[agent * FIELDS + METADATA_IN_FLIGHT]! > 0) this.state[agent * FIELDS + METADATA_OWED] = 1;
    else this.sendMetadata(agent);
    this.sim.postFixed(this.metadataPeriod, this.metadataAction, token);
  }

  private sendMetadata(agent: number): void {
    const at = agent * FIELDS;
    const r = this.state[at + REPLICA]!;
    this.state[at + METADATA_IN_FLIGHT] = this.callsPerMetadataTick;
    for (let i = 0; i < this.callsPerMetadataTick; i++) {
      this.pipeline.startRequest(this.opts.classes.metadataRpc, r, agent, 0, this.rttOf(agent));
    }
  }

  private statsTick(token: number): void {
    const agent = this.live(token);
    if (agent < 0) return;
    if (this.state[agent * FIELDS + STATS_IN_FLIGHT] === 1) this.state[agent * FIELDS + STATS_OWED] = 1;
    else this.sendStats(agent);
    this.sim.postFixed(this.statsPeriod, this.statsAction, token);
  }

  private sendStats(agent: number): void {
    const at = agent * FIELDS;
    const cls =
      this.state[at + SESSIONS]! > 0 ? this.opts.classes.statsRpcWithSession : this.opts.classes.statsRpc;
    this.state[at + STATS_IN_FLIGHT] = 1;
    this.pipeline.startRequest(cls, this.state[at + REPLICA]!, agent, 0, this.rttOf(agent));
  }
}
