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
  // Checkpoint cycle state: pages dirtied in the current interval, pages the running checkpoint writes.
  private dirtyHotPages = 0;
  private dirtyAppendedPages = 0;
  private pagesToWrite = 0;
  private currentCycleStart = 0;

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

  /** True while a failover pause lasts: no query runs, fluid writes stop. */
  paused = false;

  /** Sets the fluid query load (heartbeat and job-update writes), on top of the idle background. */
  setFluidVcpu(vcpu: number): void {
    this.fluidVcpu = vcpu;
    this.cpu.setBackgroundLoad(this.model.database.background_vcpu.value + vcpu);
  }

  countCommit(logged: boolean): void {
    if (logged) this.loggedCommitsInWindow++;
  }

  countAppendedRows(rows: number): void {
    this.appendedRowsInWindow += rows;
  }

  /**
   * Accrues disk write ops up to now. The WAL writer flushes every `wal_flush_interval_s` when WAL is
   * pending: with Poisson commits at rate λ a window of length T holds one with probability 1 − e^(−λT).
   * Each checkpoint writes the pages dirtied during the previous checkpoint interval, spread evenly over
   * `checkpoint_completion_target` of its own interval and then idle until the next one: that cycle is
   * what makes the write-ops series swing between a low and a high.
   */
  accrueWriteOps(nowSeconds: number): void {
    const dt = nowSeconds - this.lastScrapeSeconds;
    if (dt <= 0) return;
    const db = this.model.database;
    const T = db.wal_flush_interval_s.value;
    const lambda = this.loggedCommitsInWindow / dt + this.fluidLoggedCommitsPerSecond;
    this.writeOpsTotal += (dt / T) * (1 - Math.exp(-lambda * T));
    // Pages dirtied in this scrape interval: the hot agent rows (rewritten every heartbeat) and the
    // stats pages appended since the last scrape.
    const hotPages = (this.cluster.totalAgents() * db.hot_row_bytes.value) / db.page_bytes.value;
    this.dirtyAppendedPages += (this.appendedRowsInWindow * db.stats_row_bytes.value) / db.page_bytes.value;
    this.dirtyHotPages = Math.max(this.dirtyHotPages, hotPages);
    this.writeOpsTotal += this.checkpointWrites(this.lastScrapeSeconds, nowSeconds);
    this.lastScrapeSeconds = nowSeconds;
    this.loggedCommitsInWindow = 0;
    this.appendedRowsInWindow = 0;
  }

  /** Checkpoint write-back in (from, to]: piecewise over checkpoint cycles. */
  private checkpointWrites(from: number, to: number): number {
    const db = this.model.database;
    const cycle = db.checkpoint_timeout_s.value;
    const spread = cycle * db.checkpoint_completion_target.value;
    let writes = 0;
    let t = from;
    while (t < to) {
      const cycleStart = Math.floor(t / cycle + 1e-9) * cycle;
      if (cycleStart > this.currentCycleStart) {
        // A checkpoint starts: it writes what the previous interval dirtied.
        this.pagesToWrite = this.dirtyHotPages + this.dirtyAppendedPages;
        this.dirtyHotPages = 0;
        this.dirtyAppendedPages = 0;
        this.currentCycleStart = cycleStart;
      }
      const end = Math.min(to, cycleStart + cycle);
      const writing = Math.max(0, Math.min(end, cycleStart + spread) - t);
      writes += (this.pagesToWrite / spread) * writing;
      t = end;
    }
    return writes;
  }

  /** shared_buffers, a base, and one backend per open connection (coderd keeps max_open/3 idle). */
  memoryUtilization(): number {
    const db = this.model.database;
    let connections = 0;
    this.cluster.pools.forEach((pool, r) => {
      // A replica that is down holds no connections.
      if (this.cluster.isUp(r)) connections += Math.max(pool.inUse, Math.ceil(pool.size / 3)) + 1;
    });
    const gb =
      db.shared_buffers_fraction.value * this.memoryGb +
      db.memory_base_gb.value +
      (connections * db.memory_per_connection_mb.value) / 1024;
    return Math.min(1, gb / this.memoryGb);
  }
}
