import { LindleyQueue } from "../engine/resources/lindleyQueue.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
import type { Simulation } from "../engine/simulation.js";
import type { Scenario } from "../scenario/index.js";
import type { CoderdCluster } from "./coderdCluster.js";
import {
  RATE_BACKGROUND,
  RATE_CONNECTION_OPENS,
  RATE_HEARTBEATS,
  RATE_JOB_UPDATE_FANOUT,
  RATE_JOB_UPDATES,
  RATE_NOTIFY_FANOUT,
  RATE_UNEXPLAINED,
  RateCpuLedger,
} from "./databaseCpuLedger.js";
import type { ModelFile } from "./modelSchema.js";

/**
 * Seconds between accruals of disk write ops: the WAL-flush estimate averages the commit rate over this
 * window (it used to follow the scrape interval, whose default it keeps).
 */
const WRITE_OPS_ACCRUAL_S = 15;

/**
 * PostgreSQL: a processor-sharing CPU, the global notify-queue lock that serialises NOTIFYing commits,
 * and the write path to disk (WAL writer flushes plus checkpoint write-back), with memory.
 */
export class Database {
  readonly cpu: ProcessorSharingCpu;
  readonly notifyLock: LindleyQueue;
  readonly vcpu: number;
  readonly memoryGb: number;
  /** WAL-producing commits since the last accrual (discrete requests). */
  private loggedCommitsInWindow = 0;
  /** Rows appended to workspace_agent_stats since the last accrual. */
  private appendedRowsInWindow = 0;
  /** Fluid WAL-producing commits per second (per-row heartbeats, job updates). */
  private fluidLoggedCommitsPerSecond = 0;
  /** Fluid CPU demand besides the background, vCPU. */
  private fluidVcpu = 0;
  /** Disk write operations so far (a counter, like node_disk_writes_completed_total). */
  writeOpsTotal = 0;
  private lastAccrualSeconds = 0;
  /** Commits so far: discrete ones, and the fluid ones integrated up to `fluidSince`. */
  private discreteCommits = 0;
  private fluidCommits = 0;
  private fluidSince = 0;
  /** Write ops and CPU utilisation of the last complete Cloud SQL sampling period (NaN before the first). */
  periodWriteOps = Number.NaN;
  periodCpuUtilization = Number.NaN;
  private periodStartWriteOps = 0;
  private periodStartCpuSeconds = 0;
  // Checkpoint cycle state: pages dirtied in the current interval, pages the running checkpoint writes.
  private dirtyHotPages = 0;
  private dirtyAppendedPages = 0;
  private pagesToWrite = 0;
  private currentCycleStart = 0;
  /** The background's CPU by source (capsim run's database CPU by source). */
  private readonly ledger: RateCpuLedger;

  constructor(
    private readonly sim: Simulation,
    scenario: Scenario,
    private readonly model: ModelFile,
    private readonly cluster: CoderdCluster,
  ) {
    this.vcpu = scenario.deployment.database.vcpu;
    this.memoryGb = scenario.deployment.database.memory_gb;
    this.cpu = new ProcessorSharingCpu(sim, { name: "database cpu", cores: this.vcpu });
    // One holder at a time, holds drawn before it is asked for: Lindley's recursion times it.
    this.notifyLock = new LindleyQueue(sim, { name: "database notify lock" });
    this.lastAccrualSeconds = sim.now;
    this.fluidSince = sim.now;
    this.ledger = new RateCpuLedger(sim.now);
    this.setFluidVcpu(0);
    // Its own clocks, never the scrape's: built before the sampler starts, so at a shared instant they
    // run first and a scrape reads what they have just computed.
    const accrue = (): void => {
      this.accrueWriteOps(sim.now);
      sim.after(WRITE_OPS_ACCRUAL_S, accrue);
    };
    sim.after(WRITE_OPS_ACCRUAL_S, accrue);
    const period = model.database.write_ops_sampling_s.value;
    const closePeriod = (): void => {
      this.accrueWriteOps(sim.now);
      this.periodWriteOps = this.writeOpsTotal - this.periodStartWriteOps;
      this.periodStartWriteOps = this.writeOpsTotal;
      const cpu = this.cpu.cpuSecondsTotal;
      this.periodCpuUtilization = (cpu - this.periodStartCpuSeconds) / (period * this.vcpu);
      this.periodStartCpuSeconds = cpu;
      sim.after(period, closePeriod);
    };
    sim.after(period, closePeriod);
  }

  private pausedNow = false;

  /** True while a failover pause lasts: no query runs, fluid writes stop. */
  get paused(): boolean {
    return this.pausedNow;
  }

  /** A failover starts (true) or the new primary serves (false). */
  setPaused(paused: boolean): void {
    this.pausedNow = paused;
  }

  /** Sets the fluid commit rate (heartbeats, job updates), integrated for the commit counter. */
  setFluidCommits(commitsPerSecond: number, nowSeconds: number): void {
    this.fluidCommits += this.fluidLoggedCommitsPerSecond * (nowSeconds - this.fluidSince);
    this.fluidSince = nowSeconds;
    this.fluidLoggedCommitsPerSecond = commitsPerSecond;
  }

  /** Commits so far (pg_stat_database_xact_commit), a pure read. */
  commitsTotal(nowSeconds: number): number {
    return (
      this.discreteCommits +
      this.fluidCommits +
      this.fluidLoggedCommitsPerSecond * (nowSeconds - this.fluidSince)
    );
  }

  /**
   * Sets the fluid query load (heartbeat and job-update writes), on top of the idle background, with its
   * parts: heartbeats, job updates' own statements, and the NOTIFY fan-out of their log flushes.
   */
  setFluidVcpu(vcpu: number, heartbeats = 0, jobUpdates = 0, jobUpdateFanOut = 0): void {
    const rates = this.ledgerRates();
    rates[RATE_HEARTBEATS] = heartbeats;
    rates[RATE_JOB_UPDATES] = jobUpdates;
    rates[RATE_JOB_UPDATE_FANOUT] = jobUpdateFanOut;
    this.fluidVcpu = vcpu;
    this.applyBackground();
  }

  /** Loads that follow event counts (NOTIFY fan-out, connection opens), averaged over the last second. */
  private eventVcpu = 0;
  private notifiesInWindow = 0;
  private opensInWindow = 0;

  /**
   * Turns on the loads that follow counted events: each NOTIFY costs `cpuPerNotify` on the listening
   * backends (off the notifier's path), each connection open `cpuPerOpen` (a backend start-up). Both are
   * carried as a load that follows the events of the last second.
   */
  startEventLoads(sim: Simulation, costs: { cpuPerNotify: number; cpuPerOpen: number }): void {
    const window = 1;
    const tick = (): void => {
      const cpu = this.notifiesInWindow * costs.cpuPerNotify + this.opensInWindow * costs.cpuPerOpen;
      this.eventVcpu = this.paused ? 0 : cpu / window;
      const rates = this.ledgerRates();
      rates[RATE_NOTIFY_FANOUT] = this.paused ? 0 : (this.notifiesInWindow * costs.cpuPerNotify) / window;
      rates[RATE_CONNECTION_OPENS] = this.paused ? 0 : (this.opensInWindow * costs.cpuPerOpen) / window;
      this.notifiesInWindow = 0;
      this.opensInWindow = 0;
      this.applyBackground();
      sim.after(window, tick);
    };
    sim.after(window, tick);
  }

  countNotifies(n: number): void {
    this.notifiesInWindow += n;
  }

  countConnectionOpen(): void {
    this.opensInWindow++;
  }

  /** The idle background, the named residual (if the model carries one), fluid queries and event loads. */
  private applyBackground(): void {
    const db = this.model.database;
    const rates = this.ledgerRates();
    rates[RATE_BACKGROUND] = db.background_vcpu.value;
    rates[RATE_UNEXPLAINED] = db.unexplained_vcpu?.value ?? 0;
    this.cpu.setBackgroundLoad(
      db.background_vcpu.value + (db.unexplained_vcpu?.value ?? 0) + this.fluidVcpu + this.eventVcpu,
    );
    this.ledger.applied(this.cpu.backgroundVcpu);
  }

  /** The ledger's rates, integrated up to now first (so they may be changed). */
  private ledgerRates(): Float64Array {
    this.ledger.accrue(this.sim.now);
    return this.ledger.rates;
  }

  /** CPU-seconds each rate-carried source ran since the start (databaseCpuLedger's order), a pure read. */
  rateCpuSeconds(out: Float64Array): void {
    this.ledger.cpuSecondsAt(this.sim.now, out);
  }

  /**
   * A connection hold's commits: `transactions` for the counter; `logged` WAL-producing ones (one per
   * logged step) for the WAL writer.
   */
  countCommits(transactions: number, logged: number): void {
    this.discreteCommits += transactions;
    this.loggedCommitsInWindow += logged;
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
  private accrueWriteOps(nowSeconds: number): void {
    const dt = nowSeconds - this.lastAccrualSeconds;
    if (dt <= 0) return;
    const db = this.model.database;
    const T = db.wal_flush_interval_s.value;
    const lambda = this.loggedCommitsInWindow / dt + this.fluidLoggedCommitsPerSecond;
    this.writeOpsTotal += (dt / T) * (1 - Math.exp(-lambda * T));
    // Pages dirtied in this window: the hot agent rows (rewritten every heartbeat) and the stats pages
    // appended since the last accrual.
    const hotPages = (this.cluster.totalAgents() * db.hot_row_bytes.value) / db.page_bytes.value;
    this.dirtyAppendedPages += (this.appendedRowsInWindow * db.stats_row_bytes.value) / db.page_bytes.value;
    this.dirtyHotPages = Math.max(this.dirtyHotPages, hotPages);
    this.writeOpsTotal += this.checkpointWrites(this.lastAccrualSeconds, nowSeconds);
    this.lastAccrualSeconds = nowSeconds;
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

  /** shared_buffers, a base, and one backend per open connection (the pools', plus pubsub's). */
  memoryUtilization(): number {
    const db = this.model.database;
    let connections = 0;
    for (let r = 0; r < this.cluster.replicas; r++) {
      // A replica that is down holds no connections.
      if (this.cluster.isUp(r)) connections += this.cluster.openConnections(r) + 1;
    }
    const gb =
      db.shared_buffers_fraction.value * this.memoryGb +
      db.memory_base_gb.value +
      (connections * db.memory_per_connection_mb.value) / 1024;
    return Math.min(1, gb / this.memoryGb);
  }
}
