import type { FcfsQueue } from "../../engine/resources/fcfsQueue.js";
import type { Simulation } from "../../engine/simulation.js";
import type { AgentFleet } from "../agentFleet.js";
import type { CoderdCluster } from "../coderdCluster.js";
import type { Database } from "../database.js";
import type { Geography } from "../geography.js";
import type { NodePool } from "../nodePool.js";
import type { RateLimiter } from "../rateLimiter.js";
import type { Timeline } from "../timeline.js";
import type { UserSessions } from "../userSessions.js";
import { FAMILIES, TARGETS } from "./catalog.js";
import type { MetricRegistry } from "./registry.js";

/** Bytes per GB: memory sizes in scenarios and the model are decimal gigabytes. */
export const BYTES_PER_GB = 1e9;

const pod = TARGETS.coderdPod;

/** coderd replicas: CPU, memory, websockets, database pool, and whether each is up. */
export function coderdFamilies(registry: MetricRegistry, cluster: CoderdCluster): void {
  for (let r = 0; r < cluster.replicas; r++) {
    const cpu = cluster.cpus[r]!;
    const p = pod(r);
    const pool = cluster.pools[r]!;
    const up = (): boolean => cluster.isUp(r);
    registry.series(FAMILIES.containerCpu, { pod: p, container: "coder" }, () => cpu.cpuSecondsTotal);
    registry.series(FAMILIES.processCpu, { pod: p, job: "coder" }, () => cpu.cpuSecondsTotal);
    const bytes = (): number => cluster.memoryGb(r) * BYTES_PER_GB;
    registry.series(FAMILIES.containerMemory, { pod: p, container: "coder" }, bytes);
    registry.series(FAMILIES.processMemory, { pod: p, job: "coder" }, bytes);
    registry.series(FAMILIES.up, { pod: p, job: "coder" }, () => (up() ? 1 : 0));
    registry.series(FAMILIES.websockets, { pod: p }, () => cluster.websockets(r));
    registry.series(FAMILIES.sqlMaxOpen, { pod: p }, () => pool.size);
    const open = (): number => (up() ? cluster.openConnections(r) : 0);
    registry.series(FAMILIES.sqlOpen, { pod: p }, open);
    registry.series(FAMILIES.sqlInUse, { pod: p }, () => pool.inUse);
    registry.series(FAMILIES.sqlIdle, { pod: p }, () => open() - pool.inUse);
    registry.series(FAMILIES.sqlWaitCount, { pod: p }, () => pool.waitCountTotal);
    registry.series(FAMILIES.sqlWaitDuration, { pod: p }, () => pool.waitSecondsTotal);
    registry.series(FAMILIES.sqlWaiting, { pod: p }, () => pool.waiting);
  }
}

/**
 * Agents: every replica exports the deployment-wide count, refreshed by its collector every `refreshSeconds` on its
 * own clock (one series per status carrying the count, FAMILIES.md's compaction), and capsim's
 * instantaneous count.
 */
export function agentFamilies(
  registry: MetricRegistry,
  sim: Simulation,
  cluster: CoderdCluster,
  fleet: AgentFleet,
  refreshSeconds: number,
): void {
  let collected = 0;
  const collect = (): void => {
    collected = fleet.connectedAgents;
    sim.after(refreshSeconds, collect);
  };
  sim.after(0, collect);
  for (let r = 0; r < cluster.replicas; r++) {
    registry.series(
      FAMILIES.agentsConnections,
      { pod: pod(r), status: "connected", lifecycle_state: "ready" },
      () => (cluster.isUp(r) ? collected : Number.NaN),
    );
  }
  registry.series(FAMILIES.agentsConnected, {}, () => fleet.connectedAgents);
}

export interface ProvisionerFleet {
  queue: FcfsQueue;
  /** External daemons (their own pods); the queue's servers after them are built-in daemons in coderd. */
  external: number;
  builtinPerReplica: number;
  buildingVcpu: number;
  idleVcpu: number;
}

/** Provisioner daemons: per-daemon jobs and CPU (external daemons' pods), the queue. */
export function provisionerFamilies(
  registry: MetricRegistry,
  sim: Simulation,
  p: ProvisionerFleet,
  replicas: number,
): void {
  const q = p.queue;
  // Built-in daemons run inside coderd: each replica's count as one series of its pod.
  const daemonsOf = new Map<string, number[]>();
  const daemonCount = Math.min(q.servers, p.external + p.builtinPerReplica * replicas);
  for (let d = 0; d < daemonCount; d++) {
    const podName =
      d < p.external
        ? TARGETS.provisionerPod(d)
        : pod(Math.floor((d - p.external) / Math.max(1, p.builtinPerReplica)) % replicas);
    daemonsOf.set(podName, [...(daemonsOf.get(podName) ?? []), d]);
  }
  for (const [podName, daemons] of daemonsOf) {
    registry.series(FAMILIES.provisionerJobs, { pod: podName, provisioner: "terraform" }, () => {
      let n = 0;
      for (const d of daemons) if (q.serverBusy(d)) n++;
      return n;
    });
    registry.series(FAMILIES.provisionerDaemons, { pod: podName }, () => daemons.length);
    if (daemons[0]! >= p.external) continue; // their CPU is coderd's
    const d = daemons[0]!;
    const cpu = (): number => {
      const busy = q.serverBusySeconds(d);
      return busy * p.buildingVcpu + (sim.now - busy) * p.idleVcpu;
    };
    registry.series(FAMILIES.containerCpu, { pod: podName, container: "provisionerd" }, cpu);
    registry.series(FAMILIES.processCpu, { pod: podName, job: "coder-provisioner" }, cpu);
  }
  registry.series(FAMILIES.provisionerQueue, {}, () => q.queueLength);
}

/** The database, as Cloud SQL, node_exporter and postgres_exporter show it. */
export function databaseFamilies(registry: MetricRegistry, sim: Simulation, db: Database): void {
  const id = { database_id: TARGETS.databaseId };
  const node = { instance: TARGETS.nodeInstance, job: "node" };
  registry.series(FAMILIES.cloudSqlCpu, id, () => db.periodCpuUtilization);
  registry.series(FAMILIES.cloudSqlMemory, id, () => db.memoryUtilization());
  registry.series(FAMILIES.cloudSqlWriteOps, id, () => db.periodWriteOps);
  registry.series(FAMILIES.nodeCpu, { ...node, cpu: "all", mode: "user" }, () => db.cpu.cpuSecondsTotal);
  registry.series(
    FAMILIES.nodeCpu,
    { ...node, cpu: "all", mode: "idle" },
    () => db.vcpu * sim.now - db.cpu.cpuSecondsTotal,
  );
  const total = db.memoryGb * BYTES_PER_GB;
  registry.series(FAMILIES.nodeMemTotal, node, () => total);
  registry.series(FAMILIES.nodeMemAvailable, node, () => total * (1 - db.memoryUtilization()));
  registry.series(FAMILIES.nodeDiskWrites, { ...node, device: "sda" }, () => db.writeOpsTotal);
  registry.series(
    FAMILIES.pgCommits,
    { instance: TARGETS.postgresInstance, job: "postgres", datname: "coder" },
    () => db.commitsTotal(sim.now),
  );
  registry.series(FAMILIES.notifyLockQueue, {}, () => db.notifyLock.inSystem);
}

/** Users: dashboard sessions and workspace connections. */
export function sessionFamilies(registry: MetricRegistry, sessions: UserSessions): void {
  registry.series(FAMILIES.dashboardUsers, {}, () => sessions.dashboardUsers);
  registry.series(FAMILIES.workspaceConnections, {}, () => sessions.openConnectionCount);
}

/** One series per stage: 1 while it runs (known once the run is over: prepare may delay later stages). */
export function stageFamilies(registry: MetricRegistry, timeline: Timeline): void {
  const names = [...new Set(timeline.stages.map((s) => s.name))];
  for (const stage of names) {
    registry.derivedSeries(FAMILIES.stageActive, { stage }, (times) =>
      Float64Array.from(times, (t) => (timeline.activeAt(t).includes(stage) ? 1 : 0)),
    );
  }
}

export function nodePoolFamilies(registry: MetricRegistry, nodes: NodePool): void {
  registry.series(FAMILIES.nodes, { state: "live" }, () => nodes.liveNodeCount);
  registry.series(FAMILIES.nodes, { state: "ready" }, () => nodes.readyNodes);
  registry.series(FAMILIES.pods, { phase: "pending" }, () => nodes.pendingPods);
  registry.series(FAMILIES.pods, { phase: "running" }, () => nodes.runningPods);
  registry.series(FAMILIES.nodeCpuShare, { kind: "requested" }, () => nodes.cpuRequestedShare);
  registry.series(FAMILIES.nodeCpuShare, { kind: "used" }, () => nodes.cpuUsedShare);
  registry.series(FAMILIES.nodeHours, {}, () => nodes.nodeHours);
}

export function workdayFamilies(registry: MetricRegistry, workday: { readonly working: number }): void {
  registry.series(FAMILIES.workdayWorking, {}, () => workday.working);
}

export function proxyFamilies(registry: MetricRegistry, geography: Geography): void {
  const names = geography.regionNames;
  const perRegion = new Map<number, number>();
  for (const p of geography.proxies) {
    const k = perRegion.get(p.region) ?? 0;
    perRegion.set(p.region, k + 1);
    const labels = { region: names[p.region]!, pod: `wsproxy-${names[p.region]}-${k}` };
    registry.series(FAMILIES.proxyCpu, labels, () => p.cpu.cpuSecondsTotal);
    registry.series(FAMILIES.proxyMemory, labels, () => geography.proxyMemoryGb(p) * BYTES_PER_GB);
  }
}

export function rateLimitFamilies(registry: MetricRegistry, limiter: RateLimiter): void {
  registry.series(FAMILIES.rateLimited, {}, () => limiter.rejectedTotal);
}
