import type { Database } from "./database.js";
import { RATE_SOURCES } from "./databaseCpuLedger.js";
import type { RequestPipeline } from "./requestPipeline.js";

/** One source's database CPU over a window (stable JSON shape, docs/output.md). */
export interface DatabaseCpuSource {
  /** A request class (its name), or a rate-carried load (databaseCpuLedger's RATE_SOURCES). */
  source: string;
  /** `request`: its queries ran as jobs; `background`, `fluid`, `event`: carried as a rate. */
  kind: "request" | "background" | "fluid" | "event";
  cpu_seconds: number;
}

/** The database's CPU over one window of a replication, by source. */
export interface DatabaseCpuWindow {
  /** `traffic` (the resource table's window) or `prepare` (the run's start to prepare's end). */
  window: string;
  start_s: number;
  end_s: number;
  /** The database CPU's busy CPU-seconds in the window (jobs plus background), from the CPU itself. */
  cpu_seconds: number;
  /** Every source, in definition order; their `cpu_seconds` add up to the window's. */
  sources: DatabaseCpuSource[];
}

/** CPU-seconds since the start by source, and the CPU's own total, at one instant. */
interface Mark {
  at: number;
  total: number;
  bySource: Float64Array;
}

/**
 * Where the database's CPU went: request classes' queries (what the pipeline submitted, less what is
 * still unserved) and the rate-carried loads (the database's ledger), marked at window edges and
 * subtracted. Marks are pure reads taken at instants the run already has (no event of its own).
 */
export class DatabaseCpuBySource {
  private readonly names: string[] = [];
  private readonly kinds: DatabaseCpuSource["kind"][] = [];
  /** Row of each request class (classes sharing a source name share a row). */
  private readonly rowOfClass: number[];
  /** Row of the first rate-carried source. */
  private readonly rateRow: number;
  private readonly marks = new Map<string, Mark>();

  /** Built once every request class is defined (the rows are fixed then). */
  constructor(
    private readonly database: Database,
    private readonly pipeline: RequestPipeline,
  ) {
    const rowOf = new Map<string, number>();
    this.rowOfClass = pipeline.definedClasses.map((cls) => {
      const name = cls.databaseSource ?? cls.name;
      const row = rowOf.get(name) ?? this.addRow(name, "request");
      rowOf.set(name, row);
      return row;
    });
    this.rateRow = this.names.length;
    for (const r of RATE_SOURCES) this.addRow(r.source, r.kind);
  }

  /** Marks now under `name` (a later mark of the same name replaces it). */
  mark(name: string, nowSeconds: number): void {
    const classes = this.pipeline.definedClasses.length;
    if (classes !== this.rowOfClass.length)
      throw new Error(
        `database CPU by source: ${classes - this.rowOfClass.length} request class(es) defined late`,
      );
    const byClass = new Float64Array(classes);
    this.pipeline.databaseCpuByClass(byClass);
    const rates = new Float64Array(RATE_SOURCES.length);
    this.database.rateCpuSeconds(rates);
    const bySource = new Float64Array(this.names.length);
    byClass.forEach((cpu, c) => {
      bySource[this.rowOfClass[c]!]! += cpu;
    });
    rates.forEach((cpu, i) => {
      bySource[this.rateRow + i] = cpu;
    });
    this.marks.set(name, { at: nowSeconds, total: this.database.cpu.cpuSecondsTotal, bySource });
  }

  /** The window between two marks, or undefined when either is missing. */
  window(window: string, from: string, to: string): DatabaseCpuWindow | undefined {
    const a = this.marks.get(from);
    const b = this.marks.get(to);
    if (!a || !b) return undefined;
    return {
      window,
      start_s: a.at,
      end_s: b.at,
      cpu_seconds: b.total - a.total,
      sources: this.names.map((source, i) => ({
        source,
        kind: this.kinds[i]!,
        cpu_seconds: b.bySource[i]! - a.bySource[i]!,
      })),
    };
  }

  private addRow(name: string, kind: DatabaseCpuSource["kind"]): number {
    this.names.push(name);
    this.kinds.push(kind);
    return this.names.length - 1;
  }
}
