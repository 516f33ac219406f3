import type { Distribution } from "../engine/random/index.js";
import type { FixedDelayId } from "../engine/simulation.js";

/**
 * Every request class's steps laid out flat, one row per (class, step) at classId × maxSteps + step, in
 * typed arrays: the pipeline reads a step's kind and its connection hold from monomorphic arrays on every
 * step instead of loading properties of step objects of several shapes.
 */

/** One step as the pipeline's plan describes it (see requestPipeline's Step). */
export interface PlanStep {
  kind: "coderdCpu" | "query";
  work: Distribution;
  statements?: number;
  logged?: boolean;
  notify?: boolean;
  notifyFlushes?: boolean;
  perRowSeconds?: number;
  commits?: number;
}

export const CODERD_CPU = 0;
export const QUERY = 1;

export class RequestPlans {
  /** Steps per class. */
  stepCount = new Int32Array(16);
  /** CODERD_CPU or QUERY, per row. */
  kind = new Uint8Array(16);
  /** Work distribution per row. */
  readonly work: Distribution[] = [];
  /** Statements per row (queries), per-row work in seconds and 1 when it has one. */
  statements = new Int32Array(16);
  perRowSeconds = new Float64Array(16);
  hasPerRow = new Uint8Array(16);
  /** Query steps in the connection hold the row starts (0 when it starts none). */
  holdSteps = new Int32Array(16);
  /**
   * What the hold's statements commit, summed over its steps so a commit is counted once: transactions
   * (pg_stat_database.xact_commit; a step's statements unless they share one), WAL-logged steps, NOTIFYs.
   */
  holdCommits = new Int32Array(16);
  holdLogged = new Int32Array(16);
  holdNotifies = new Int32Array(16);
  /** 1 when a query of the hold NOTIFYs in its logged write's commit (a trigger). */
  holdFlushes = new Uint8Array(16);
  /** The hold's replies' round trips as a fixed delay, −1 without a hold. */
  holdRoundTrip = new Int32Array(16);
  /**
   * 1 when the hold's work is known before any draw (every statement's work deterministic, no per-row
   * work): then `holdFixedWork` is its sum, added in the order the draws would add it (so bit for bit the
   * same), and a request skips one distribution call per statement (most of the run's database steps).
   */
  holdIsFixed = new Uint8Array(16);
  holdFixedWork = new Float64Array(16);
  private classes = 0;

  constructor(readonly maxSteps: number) {}

  /**
   * Adds a class's steps; returns its id. A step that starts a run of consecutive query steps holds one
   * connection for the run; `fixedDelay` turns the run's reply round trips into a fixed delay.
   */
  add(
    steps: readonly PlanStep[],
    dbRttSeconds: number,
    fixedDelay: (seconds: number) => FixedDelayId,
  ): number {
    const classId = this.classes++;
    this.ensureRows(this.classes * this.maxSteps);
    this.stepCount = grownInt(this.stepCount, this.classes);
    this.stepCount[classId] = steps.length;
    const base = classId * this.maxSteps;
    steps.forEach((step, i) => {
      const row = base + i;
      this.kind[row] = step.kind === "coderdCpu" ? CODERD_CPU : QUERY;
      this.work[row] = step.work;
      this.statements[row] = step.statements ?? 0;
      this.hasPerRow[row] = step.perRowSeconds === undefined ? 0 : 1;
      this.perRowSeconds[row] = step.perRowSeconds ?? 0;
      const startsHold = step.kind === "query" && steps[i - 1]?.kind !== "query";
      let holdSteps = 0;
      let statements = 0;
      let commits = 0;
      let logged = 0;
      let notifies = 0;
      let flushes = false;
      let fixed = startsHold;
      let fixedWork = 0;
      if (startsHold) {
        for (let k = i; k < steps.length; k++) {
          const q = steps[k]!;
          if (q.kind !== "query") break;
          holdSteps++;
          statements += q.statements ?? 0;
          commits += q.commits ?? q.statements ?? 0;
          if (q.logged) logged++;
          if (q.notify) notifies++;
          flushes ||= q.notify === true && q.logged === true && q.notifyFlushes === true;
          fixed &&= q.perRowSeconds === undefined && isDeterministic(q.work);
          for (let n = 0; n < (q.statements ?? 0); n++) fixedWork += q.work.mean;
        }
      }
      this.holdIsFixed[row] = fixed ? 1 : 0;
      this.holdFixedWork[row] = fixed ? fixedWork : 0;
      this.holdSteps[row] = holdSteps;
      this.holdCommits[row] = commits;
      this.holdLogged[row] = logged;
      this.holdNotifies[row] = notifies;
      this.holdFlushes[row] = flushes ? 1 : 0;
      this.holdRoundTrip[row] = startsHold ? fixedDelay(statements * dbRttSeconds) : -1;
    });
    return classId;
  }

  private ensureRows(rows: number): void {
    if (rows <= this.kind.length) return;
    const n = Math.max(rows, 2 * this.kind.length);
    this.kind = grownBytes(this.kind, n);
    this.statements = grownInt(this.statements, n);
    const perRow = new Float64Array(n);
    perRow.set(this.perRowSeconds);
    this.perRowSeconds = perRow;
    this.hasPerRow = grownBytes(this.hasPerRow, n);
    this.holdSteps = grownInt(this.holdSteps, n);
    this.holdCommits = grownInt(this.holdCommits, n);
    this.holdLogged = grownInt(this.holdLogged, n);
    this.holdNotifies = grownInt(this.holdNotifies, n);
    this.holdFlushes = grownBytes(this.holdFlushes, n);
    this.holdRoundTrip = grownInt(this.holdRoundTrip, n);
    this.holdIsFixed = grownBytes(this.holdIsFixed, n);
    const fixedWork = new Float64Array(n);
    fixedWork.set(this.holdFixedWork);
    this.holdFixedWork = fixedWork;
  }
}

/** A distribution that always gives its mean and draws nothing from the generator. */
function isDeterministic(work: Distribution): boolean {
  return work.spec.dist === "deterministic";
}

function grownInt(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
function grownBytes(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
