import type { Rng } from "../engine/random/index.js";
import type { ActionId, Simulation } from "../engine/simulation.js";
import { TimeWeighted } from "../engine/stats/timeWeighted.js";
import { type NodePoolSpec, podsPerNode } from "./features.js";
import { LatencyProbe } from "./latencyProbe.js";
import type { PodPlacement } from "./workspaceRunner.js";

const STARTING = 1;
const READY = 2;
const EPS = 1e-9;

/**
 * The workspace node pool (the data plane): nodes with allocatable CPU, memory and a pod limit; workspace
 * pods placed by requests (kube-scheduler: LeastAllocated spreads, MostAllocated packs); pods that fit
 * nowhere wait, FIFO, and that wait is part of the workspace's time to ready. A cluster autoscaler looks
 * every scan interval: it adds nodes for pending pods and to keep requests (or usage, or workspaces per
 * node) under its threshold, each ready after a start-up delay, and removes nodes empty for long enough.
 * Pod CPU use is the idle agent plus bursts (builds, tests) while a user is connected.
 */
export class NodePool implements PodPlacement {
  /** Per node: state (0 gone, starting, ready), requested CPU and memory, pods, CPU used, empty since. */
  private state: number[] = [];
  private cpuRequested: number[] = [];
  private memoryRequested: number[] = [];
  private pods: number[] = [];
  private cpuUsed: number[] = [];
  private emptySince: number[] = [];
  private readonly nodeOf: Int32Array;
  private readonly boundAt: Float64Array;
  private readonly pendingSince: Float64Array;
  /** Pods waiting for a node, FIFO, with what to do once bound. */
  private pending: number[] = [];
  private readonly onBound = new Map<number, () => void>();
  /** Per workspace: open user connections, burst state, and an epoch that retires stale burst timers. */
  private readonly inUse: Uint16Array;
  private readonly bursting: Uint8Array;
  private readonly burstEpoch: Uint32Array;
  private readonly burstAction: ActionId;
  private readonly perNode: number;
  private readonly liveNodes: TimeWeighted;
  private live = 0;
  private ready = 0;
  /** How long pods waited for a node (every placement, the zero waits included). */
  readonly nodeWait = new LatencyProbe();
  nodesAdded = 0;
  nodesRemoved = 0;
  peakPending = 0;

  constructor(
    private readonly sim: Simulation,
    readonly spec: NodePoolSpec,
    private readonly rng: Rng,
    workspaces: number,
  ) {
    this.nodeOf = new Int32Array(workspaces).fill(-1);
    this.boundAt = new Float64Array(workspaces);
    this.pendingSince = new Float64Array(workspaces).fill(-1);
    this.inUse = new Uint16Array(workspaces);
    this.bursting = new Uint8Array(workspaces);
    this.burstEpoch = new Uint32Array(workspaces);
    this.perNode = podsPerNode(spec.nodeVcpu, spec.nodeMemoryGb, spec.maxPods, spec.pod);
    this.liveNodes = new TimeWeighted(sim);
    this.burstAction = sim.register((token) => this.burstTick(token));
    for (let i = 0; i < spec.initialNodes; i++) this.markReady(this.addNode());
    if (spec.autoscaler.enabled) {
      const scan = (): void => {
        this.scan();
        sim.after(spec.autoscaler.scanIntervalSeconds, scan);
      };
      sim.after(spec.autoscaler.scanIntervalSeconds, scan);
    }
  }

  /** Pods that fit on one empty node. */
  get podsPerNode(): number {
    return this.perNode;
  }

  get readyNodes(): number {
    return this.ready;
  }

  /** Nodes billed now: ready plus starting. */
  get liveNodeCount(): number {
    return this.live;
  }

  get pendingPods(): number {
    return this.pending.length;
  }

  get runningPods(): number {
    let n = 0;
    for (let i = 0; i < this.pods.length; i++) n += this.pods[i]!;
    return n;
  }

  /** Node-hours so far (ready or starting nodes), the pool's cost. */
  get nodeHours(): number {
    return this.liveNodes.integral() / 3600;
  }

  /** Requested CPU over ready capacity, 0..1. */
  get cpuRequestedShare(): number {
    return this.shareOfReady(this.cpuRequested, this.spec.nodeVcpu);
  }

  /** CPU in use (demand, may exceed capacity) over ready capacity. */
  get cpuUsedShare(): number {
    return this.shareOfReady(this.cpuUsed, this.spec.nodeVcpu);
  }

  place(workspace: number, onRunning: () => void): void {
    if (this.nodeOf[workspace]! >= 0 || this.pendingSince[workspace]! >= 0) return;
    this.pendingSince[workspace] = this.sim.now;
    this.onBound.set(workspace, onRunning);
    this.pending.push(workspace);
    this.schedulePending();
    this.peakPending = Math.max(this.peakPending, this.pending.length);
  }

  release(workspace: number): void {
    const node = this.nodeOf[workspace]!;
    if (node < 0) {
      // Stopped before it ever ran: it leaves the queue.
      if (this.pendingSince[workspace]! >= 0) {
        this.pending = this.pending.filter((w) => w !== workspace);
        this.pendingSince[workspace] = -1;
        this.onBound.delete(workspace);
      }
      return;
    }
    const pod = this.spec.pod;
    this.nodeOf[workspace] = -1;
    this.cpuRequested[node]! -= pod.cpuRequestVcpu;
    this.memoryRequested[node]! -= pod.memoryRequestGb;
    this.pods[node]!--;
    this.cpuUsed[node]! -= this.podCpu(workspace);
    if (this.pods[node] === 0) {
      this.emptySince[node] = this.sim.now;
      this.cpuUsed[node] = 0;
      this.cpuRequested[node] = 0;
      this.memoryRequested[node] = 0;
    }
    this.schedulePending();
  }

  /** A user connected to (+1) or left (−1) a workspace: bursts happen only while someone works in it. */
  setInUse(workspace: number, delta: number): void {
    const before = this.inUse[workspace]!;
    const after = Math.max(0, before + delta);
    this.inUse[workspace] = after;
    if (before === 0 && after > 0) this.scheduleBurst(workspace, false);
    else if (before > 0 && after === 0) {
      this.burstEpoch[workspace] = (this.burstEpoch[workspace]! + 1) % 1024;
      if (this.bursting[workspace] === 1) this.setBursting(workspace, false);
    }
  }

  /** Binds waiting pods, FIFO, while they fit. */
  private schedulePending(): void {
    while (this.pending.length > 0) {
      const node = this.chooseNode();
      if (node < 0) return;
      this.bind(this.pending.shift()!, node);
    }
  }

  private bind(workspace: number, node: number): void {
    const pod = this.spec.pod;
    this.nodeOf[workspace] = node;
    this.boundAt[workspace] = this.sim.now;
    this.cpuRequested[node]! += pod.cpuRequestVcpu;
    this.memoryRequested[node]! += pod.memoryRequestGb;
    this.pods[node]!++;
    this.cpuUsed[node]! += this.podCpu(workspace);
    this.nodeWait.record(this.sim.now - this.pendingSince[workspace]!, true);
    this.pendingSince[workspace] = -1;
    const done = this.onBound.get(workspace);
    this.onBound.delete(workspace);
    done?.();
  }

  /** The ready node with room that scores best: least allocated (spread) or most allocated (pack). */
  private chooseNode(): number {
    const pod = this.spec.pod;
    let best = -1;
    let bestScore = 0;
    for (let n = 0; n < this.state.length; n++) {
      if (this.state[n] !== READY) continue;
      if (this.pods[n]! >= this.spec.maxPods) continue;
      if (this.cpuRequested[n]! + pod.cpuRequestVcpu > this.spec.nodeVcpu + EPS) continue;
      if (this.memoryRequested[n]! + pod.memoryRequestGb > this.spec.nodeMemoryGb + EPS) continue;
      const allocated =
        (this.cpuRequested[n]! / this.spec.nodeVcpu + this.memoryRequested[n]! / this.spec.nodeMemoryGb) / 2;
      const score = this.spec.placement === "pack" ? allocated : -allocated;
      if (best < 0 || score > bestScore + EPS) {
        best = n;
        bestScore = score;
      }
    }
    return best;
  }

  /** The autoscaler's look: add what demand and pending pods need, remove empty nodes idle long enough. */
  scan(): void {
    const a = this.spec.autoscaler;
    const desired = Math.min(a.maxNodes, Math.max(a.minNodes, this.desiredNodes()));
    if (desired > this.live) {
      for (let k = this.live; k < desired; k++) {
        const node = this.addNode();
        this.nodesAdded++;
        this.sim.after(a.nodeStartup.sample(this.rng), () => this.markReady(node));
      }
      return;
    }
    const floor = Math.max(desired, a.minNodes);
    for (let n = this.state.length - 1; n >= 0 && this.live > floor; n--) {
      if (this.state[n] !== READY || this.pods[n]! > 0) continue;
      if (this.sim.now - this.emptySince[n]! + EPS < a.scaleDownIdleSeconds) continue;
      this.state[n] = 0;
      this.live--;
      this.ready--;
      this.nodesRemoved++;
      this.liveNodes.set(this.live);
    }
  }

  /**
   * Nodes the pool should have: enough that demand (requests or usage, pending pods' requests included)
   * stays under the threshold of capacity, or workspaces per node stays at its target; and at least what
   * the pending pods need beyond the room nodes already starting will bring.
   */
  desiredNodes(): number {
    const a = this.spec.autoscaler;
    const pod = this.spec.pod;
    const pendingCount = this.pending.length;
    let cpu = pendingCount * pod.cpuRequestVcpu;
    let memory = pendingCount * pod.memoryRequestGb;
    let running = 0;
    let starting = 0;
    for (let n = 0; n < this.state.length; n++) {
      if (this.state[n] === STARTING) starting++;
      if (this.state[n] !== READY) continue;
      running += this.pods[n]!;
      cpu += a.scaleOn === "usage" ? this.cpuUsed[n]! : this.cpuRequested[n]!;
      memory += a.scaleOn === "usage" ? this.pods[n]! * pod.idleMemoryGb : this.memoryRequested[n]!;
    }
    let byDemand: number;
    if (a.scaleOn === "workspaces")
      byDemand = Math.ceil((running + pendingCount) / a.workspacesPerNode - EPS);
    else {
      byDemand = Math.ceil(
        Math.max(
          cpu / (a.threshold * this.spec.nodeVcpu),
          memory / (a.threshold * this.spec.nodeMemoryGb),
          (running + pendingCount) / this.spec.maxPods,
        ) - EPS,
      );
    }
    const uncovered = Math.max(0, pendingCount - starting * this.perNode);
    const byPending = uncovered > 0 && this.perNode > 0 ? this.live + Math.ceil(uncovered / this.perNode) : 0;
    return Math.max(byDemand, byPending);
  }

  private addNode(): number {
    this.state.push(STARTING);
    this.cpuRequested.push(0);
    this.memoryRequested.push(0);
    this.pods.push(0);
    this.cpuUsed.push(0);
    this.emptySince.push(this.sim.now);
    this.live++;
    this.liveNodes.set(this.live);
    return this.state.length - 1;
  }

  private markReady(node: number): void {
    if (this.state[node] !== STARTING) return;
    this.state[node] = READY;
    this.ready++;
    this.emptySince[node] = this.sim.now;
    this.schedulePending();
  }

  private podCpu(workspace: number): number {
    const pod = this.spec.pod;
    return this.bursting[workspace] === 1 ? Math.max(pod.idleVcpu, pod.burstVcpu) : pod.idleVcpu;
  }

  private scheduleBurst(workspace: number, ending: boolean): void {
    const pod = this.spec.pod;
    const mean = ending ? pod.burstDurationSeconds : pod.burstIntervalSeconds;
    const token = workspace * 1024 + this.burstEpoch[workspace]!;
    this.sim.post(-mean * Math.log(1 - this.rng()), this.burstAction, token);
  }

  private burstTick(token: number): void {
    const workspace = Math.floor(token / 1024);
    if (token % 1024 !== this.burstEpoch[workspace] || this.inUse[workspace] === 0) return;
    const starting = this.bursting[workspace] === 0;
    this.setBursting(workspace, starting);
    this.scheduleBurst(workspace, starting);
  }

  private setBursting(workspace: number, on: boolean): void {
    const node = this.nodeOf[workspace]!;
    if (node >= 0) this.cpuUsed[node]! -= this.podCpu(workspace);
    this.bursting[workspace] = on ? 1 : 0;
    if (node >= 0) this.cpuUsed[node]! += this.podCpu(workspace);
  }

  private shareOfReady(values: number[], perNode: number): number {
    let used = 0;
    for (let n = 0; n < this.state.length; n++) if (this.state[n] === READY) used += values[n]!;
    return this.ready > 0 ? used / (this.ready * perNode) : 0;
  }
}
