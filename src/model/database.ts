import { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
import type { Simulation } from "../engine/simulation.js";
import type { Scenario } from "../scenario/index.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { ModelFile } from "./modelSchema.js";

/**
 * PostgreSQL: a processor-sharing CPU, the global notify-queue lock that serialises NOTIFYing commits,
 * and the write path to disk (WAL writer flushes plus checkpoint write-back), with memory.
 */
export class Database {
  readonly cpu: ProcessorSharingCpu;
  readonly notifyLock: FcfsQueue;
  readonly vcpu: number;
  readonly memoryGb: number;
  /** WAL-producing commits since the last scrape (discrete requests). */
  private loggedCommitsInWindow = 0;
  /** Rows appended to workspace_agent_stats since the last scrape. */
  private appendedRowsInWindow = 0;
  /** Fluid WAL-producing commits per second (per-row heartbeats, job updates). */
  fluidLoggedCommitsPerSecond = 0;
  /** Fluid CPU demand besides the background, vCPU. */
  private fluidVcpu = 0;
  /** Disk write operations so far (a counter, like Cloud SQL's write_ops_count). */
  writeOpsTotal = 0;
  private lastScrapeSeconds = 0;

  constructor(
    sim: Simulation,
    scenario: Scenario,
    private readonly model: ModelFile,
    private readonly cluster: CoderdCluster,
  ) {
    this.vcpu = scenario.deployment.database.vcpu;
    this.memoryGb = scenario.deployment.database.memory_gb;
    this.cpu = new ProcessorSharingCpu(sim, { name: "database cpu", cores: this.vcpu });
    this.notifyLock = new FcfsQueue(sim, { name: "database notify lock", servers: 1 });
    this.lastScrapeSeconds = sim.now;
    this.setFluidVcpu(0);
  }

  /** Sets the fluid query load (heartbeat and job-update writes), on top of the idle background. */
  setFluidVcpu(vcpu: number): void {
    this.fluidVcpu = vcpu;
    this.cpu.setBackgroundLoad(this.model.database.background_vcpu.value + vcpu);
  }

  get fluidQueryVcpu(): number {
    return this.fluidVcpu;
  }

  countCommit(logged: boolean): void {
    if (logged) this.loggedCommitsInWindow++;
  }

  countAppendedRows(rows: number): void {
    this.appendedRowsInWindow += rows;
  }

  /**
   * Accrues disk write ops for the scrape interval ending now. The WAL writer flushes every
   * `wal_flush_interval_s` when WAL is pending: with Poisson commits at rate λ a window of length T holds
   * one with probability 1 − e^(−λT). Checkpoints write back each dirtied hot page once per checkpoint
   * spread, and appended rows fill new pages.
   */
  accrueWriteOps(nowSeconds: number): void {
    const dt = nowSeconds - this.lastScrapeSeconds;
    this.lastScrapeSeconds = nowSeconds;
    if (dt <= 0) return;
    const db = this.model.database;
    const T = db.wal_flush_interval_s.value;
    const lambda = this.loggedCommitsInWindow / dt + this.fluidLoggedCommitsPerSecond;
    const walFlushes = (dt / T) * (1 - Math.exp(-lambda * T));
    const hotPages = (this.cluster.totalAgents() * db.hot_row_bytes.value) / db.page_bytes.value;
    const checkpointWrites = (hotPages / db.checkpoint_interval_s.value) * dt;
    const appendWrites = (this.appendedRowsInWindow * db.stats_row_bytes.value) / db.page_bytes.value;
    this.writeOpsTotal += walFlushes + checkpointWrites + appendWrites;
    this.loggedCommitsInWindow = 0;
    this.appendedRowsInWindow = 0;
  }

  /** shared_buffers, a base, and one backend per open connection (coderd keeps max_open/3 idle). */
  memoryUtilization(): number {
    const db = this.model.database;
    let connections = 0;
    for (const pool of this.cluster.pools) connections += Math.max(pool.inUse, Math.ceil(pool.size / 3)) + 1;
    const gb =
      db.shared_buffers_fraction.value * this.memoryGb +
      db.memory_base_gb.value +
      (connections * db.memory_per_connection_mb.value) / 1024;
    return Math.min(1, gb / this.memoryGb);
  }
}
