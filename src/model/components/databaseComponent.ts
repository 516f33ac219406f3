import type { Simulation } from "../../engine/simulation.js";
import type { Database } from "../database.js";
import { DatabaseCpuBySource, type DatabaseCpuWindow } from "../databaseCpuBySource.js";
import { databaseFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { RequestPipeline } from "../requestPipeline.js";
import type { Timeline } from "../timeline.js";
import type { ModelComponent, OwnedResource } from "./component.js";

/**
 * PostgreSQL: its CPU and the NOTIFY commit lock; and where its CPU went, by source, over the traffic
 * window (marked when the CPU's window statistics start and are read) and over prepare.
 */
export class DatabaseComponent implements ModelComponent {
  private readonly bySource: DatabaseCpuBySource;
  private readonly owned: readonly OwnedResource[];

  /** Built once every request class is defined. */
  constructor(
    private readonly sim: Simulation,
    private readonly database: Database,
    pipeline: RequestPipeline,
    private readonly timeline: Timeline,
  ) {
    const bySource = new DatabaseCpuBySource(database, pipeline);
    this.bySource = bySource;
    bySource.mark("start", sim.now);
    const cpu = database.cpu;
    this.owned = [
      {
        section: "compute",
        kind: "cpu",
        resource: {
          stats: () => {
            bySource.mark("traffic_end", sim.now);
            return cpu.stats();
          },
          resetStats: () => {
            cpu.resetStats();
            bySource.mark("traffic_start", sim.now);
          },
        },
      },
      { section: "connections", kind: "lock", resource: database.notifyLock },
    ];
  }

  installMetrics(registry: MetricRegistry): void {
    databaseFamilies(registry, this.sim, this.database);
  }

  resources(): readonly OwnedResource[] {
    return this.owned;
  }

  afterPrepare(): void {
    if (this.timeline.stage("prepare")) this.bySource.mark("prepare_end", this.sim.now);
  }

  /** The database's CPU by source over the traffic window, then over prepare (when the run has one). */
  cpuBySource(): DatabaseCpuWindow[] {
    const traffic = this.bySource.window("traffic", "traffic_start", "traffic_end");
    const prepare = this.bySource.window("prepare", "start", "prepare_end");
    return [traffic, prepare].filter((w) => w !== undefined);
  }
}
