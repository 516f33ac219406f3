import type { Rng } from "../engine/random/index.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
import type { Simulation } from "../engine/simulation.js";
import { relayVcpu } from "./coderdCluster.js";
import type { GeographySpec } from "./features.js";
import { LatencyProbe } from "./latencyProbe.js";
import type { ModelFile } from "./modelSchema.js";

const MIB = 1024 * 1024;

/** One workspace proxy replica: a CPU that carries relayed traffic as a rate, and its open connections. */
export interface ProxyReplica {
  region: number;
  cpu: ProcessorSharingCpu;
  relayedBytesPerSecond: number;
  relayedMessagesPerSecond: number;
  websockets: number;
}

/** Where a workspace connection's bytes go: a coderd replica, a proxy replica, or nowhere (peer to peer). */
export type RelayTarget = { kind: "coderd" } | { kind: "proxy"; proxy: ProxyReplica } | { kind: "direct" };

/**
 * Users, workspaces and workspace proxies spread over regions. Users are dealt to regions in proportion
 * (every prefix of user ids holds each region's share, so the first n users of a stage are a fair
 * sample); a user's workspace runs in the region its users' `workspaces_in` names. Proxies relay the
 * SSH, terminal and app traffic of their region's users instead of coderd; API calls go to coderd.
 */
export class Geography {
  readonly userRegion: Uint8Array;
  readonly proxies: ProxyReplica[] = [];
  /** Proxy replicas per region (empty where there is no proxy). */
  private readonly proxiesByRegion: ProxyReplica[][];
  /** Per region: dashboard/API latency of its users, agent API latency of its workspaces' agents. */
  readonly apiProbes: LatencyProbe[];
  readonly agentProbes: LatencyProbe[];
  /** Per user region: sum and count of opened workspace connections' round trips. */
  readonly connectionRttSum: Float64Array;
  readonly connectionCount: Float64Array;
  private readonly localRtt: number;

  constructor(
    sim: Simulation,
    readonly spec: GeographySpec,
    private readonly model: ModelFile,
    private readonly rng: Rng,
    users: number,
  ) {
    this.localRtt = model.network.client_rtt_s.value;
    this.userRegion = dealRegions(
      spec.regions.map((r) => r.usersShare),
      users,
    );
    this.proxiesByRegion = spec.regions.map((region, i) =>
      Array.from({ length: region.proxy?.replicas ?? 0 }, (_, k) => {
        const p: ProxyReplica = {
          region: i,
          cpu: new ProcessorSharingCpu(sim, {
            name: `wsproxy-${region.name}-${k} cpu`,
            cores: region.proxy!.vcpu,
          }),
          relayedBytesPerSecond: 0,
          relayedMessagesPerSecond: 0,
          websockets: 0,
        };
        this.proxies.push(p);
        return p;
      }),
    );
    this.apiProbes = spec.regions.map(() => new LatencyProbe());
    this.agentProbes = spec.regions.map(() => new LatencyProbe());
    this.connectionRttSum = new Float64Array(spec.regions.length);
    this.connectionCount = new Float64Array(spec.regions.length);
  }

  get regionNames(): string[] {
    return this.spec.regions.map((r) => r.name);
  }

  regionOfUser(user: number): number {
    return this.userRegion.length === 0 ? 0 : this.userRegion[user % this.userRegion.length]!;
  }

  /** A workspace belongs to user (workspace mod users) and runs where that user's region says. */
  regionOfWorkspace(workspace: number): number {
    return this.spec.regions[this.regionOfUser(workspace)]!.workspacesIn;
  }

  rtt(a: number, b: number): number {
    return this.spec.rttSeconds[a]![b]!;
  }

  /** A user's API calls cross from their region to the primary (region 0): beyond the local round trip. */
  apiExtraRtt(user: number): number {
    return this.rtt(this.regionOfUser(user), 0) - this.localRtt;
  }

  /** An agent's calls cross from its workspace's region to the primary. */
  agentExtraRtt(workspace: number): number {
    return this.rtt(this.regionOfWorkspace(workspace), 0) - this.localRtt;
  }

  /** Who carries a connection of `user` to `workspace`: peer to peer, the user's regional proxy, or coderd. */
  relayFor(user: number, direct: boolean): RelayTarget {
    if (direct) return { kind: "direct" };
    const proxies = this.proxiesByRegion[this.regionOfUser(user)]!;
    if (proxies.length === 0) return { kind: "coderd" };
    return { kind: "proxy", proxy: proxies[Math.floor(this.rng() * proxies.length)]! };
  }

  /** Round trip a keystroke makes: user to relay to workspace (or user to workspace when direct). */
  connectionRtt(user: number, workspace: number, relay: RelayTarget): number {
    const u = this.regionOfUser(user);
    const w = this.regionOfWorkspace(workspace);
    if (relay.kind === "direct") return this.rtt(u, w);
    if (relay.kind === "proxy") return this.rtt(u, relay.proxy.region) + this.rtt(relay.proxy.region, w);
    return this.rtt(u, 0) + this.rtt(0, w);
  }

  recordConnection(user: number, rttSeconds: number): void {
    const u = this.regionOfUser(user);
    this.connectionRttSum[u]! += rttSeconds;
    this.connectionCount[u]!++;
  }

  /** Moves relayed bytes, messages and a websocket on or off a proxy replica and recomputes its relay CPU. */
  addToProxy(p: ProxyReplica, bytesPerSecond: number, websockets: number, messagesPerSecond: number): void {
    p.relayedBytesPerSecond += bytesPerSecond;
    p.relayedMessagesPerSecond += messagesPerSecond;
    p.websockets += websockets;
    // The proxy runs coderd's relay code (`coder wsproxy`): the same CPU per relayed message and MiB.
    p.cpu.setBackgroundLoad(
      Math.max(0, relayVcpu(this.model.coderd, p.relayedBytesPerSecond, p.relayedMessagesPerSecond)),
    );
  }

  /** A proxy replica's memory, by coderd's accounting (base, websockets, relayed traffic). */
  proxyMemoryGb(p: ProxyReplica): number {
    const m = this.model.coderd;
    return (
      m.memory_base_gb.value +
      (p.websockets * m.memory_per_websocket_mb.value +
        (p.relayedBytesPerSecond / MIB) * m.memory_per_relayed_mib_per_s_mb.value) /
        1024
    );
  }
}

/** Deals n ids to regions so every prefix holds each region's share (largest deficit first). */
export function dealRegions(shares: readonly number[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  const dealt = new Float64Array(shares.length);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDeficit = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < shares.length; r++) {
      const deficit = shares[r]! * (i + 1) - dealt[r]!;
      if (deficit > bestDeficit + 1e-12) {
        best = r;
        bestDeficit = deficit;
      }
    }
    out[i] = best;
    dealt[best]!++;
  }
  return out;
}
