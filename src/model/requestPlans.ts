import type { Distribution } from "../engine/random/index.js";
import type { FixedDelayId } from "../engine/simulation.js";

/**
 * Every request class's steps laid out flat, one row per (class, step) at classId × maxSteps + step, in
 * typed arrays: the pipeline reads a step's kind and its connection hold from monomorphic arrays on every
 * step instead of loading properties of step objects of several shapes. What a request draws when it
 * starts is decided here too, once per class: a list of the steps that take work (see the OP_ kinds).
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

/** A step's work is `opValue`: a fixed coderd CPU step, or a hold whose statements are all fixed. */
export const OP_FIXED = 0;
/** A coderd CPU step's work is one draw of row `opArg`'s distribution. */
export const OP_DRAW = 1;
/** A hold's work is drawn statement by statement from row `opArg` on (see `RequestPipeline.drawHold`). */
export const OP_HOLD = 2;

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
   * What the hold's statements commit, summed over its steps (so the commit is counted once): the
   * transactions (pg_stat_database.xact_commit), the steps whose commit is WAL-logged, the NOTIFYs.
   */
  holdCommits = new Int32Array(16);
  holdLogged = new Int32Array(16);
  holdNotifies = new Int32Array(16);
  /** The hold's replies' round trips as a fixed delay, −1 without a hold. */
  holdRoundTrip = new Int32Array(16);
  /** Per class: its first op and how many; 1 when a hold NOTIFYs; 1 when one NOTIFYs in its logged write's commit. */
  opStart = new Int32Array(16);
  opCount = new Int32Array(16);
  notifies = new Uint8Array(16);
  flushes = new Uint8Array(16);
  /** Per op, in step order: the step it sets the work of, its OP_ kind, its fixed value or its row. */
  opStep = new Int32Array(16);
  opKind = new Uint8Array(16);
  opValue = new Float64Array(16);
  opArg = new Int32Array(16);
  private classes = 0;
  private ops = 0;

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
    this.ensureClasses(this.classes);
    this.stepCount[classId] = steps.length;
    this.opStart[classId] = this.ops;
    const base = classId * this.maxSteps;
    steps.forEach((step, i) => {
      const row = base + i;
      this.kind[row] = step.kind === "coderdCpu" ? CODERD_CPU : QUERY;
      this.work[row] = step.work;
      this.statements[row] = step.statements ?? 0;
      this.hasPerRow[row] = step.perRowSeconds === undefined ? 0 : 1;
      this.perRowSeconds[row] = step.perRowSeconds ?? 0;
      if (step.kind === "coderdCpu") {
        const fixed = fixedValue(step.work);
        if (fixed === undefined) this.addOp(i, OP_DRAW, 0, row);
        else this.addOp(i, OP_FIXED, fixed, 0);
      }
      const startsHold = step.kind === "query" && steps[i - 1]?.kind !== "query";
      this.holdSteps[row] = 0;
      this.holdRoundTrip[row] = -1;
      if (startsHold) this.addHold(classId, steps, i, dbRttSeconds, fixedDelay);
    });
    this.opCount[classId] = this.ops - this.opStart[classId]!;
    return classId;
  }

  /** The hold starting at step `first`: its sums, and its op (one fixed sum when no statement draws). */
  private addHold(
    classId: number,
    steps: readonly PlanStep[],
    first: number,
    dbRttSeconds: number,
    fixedDelay: (seconds: number) => FixedDelayId,
  ): void {
    const row = classId * this.maxSteps + first;
    let holdSteps = 0;
    let statements = 0;
    let commits = 0;
    let logged = 0;
    let notifies = 0;
    let flushes = false;
    let fixed = true;
    let fixedWork = 0;
    for (let k = first; k < steps.length; k++) {
      const q = steps[k]!;
      if (q.kind !== "query") break;
      holdSteps++;
      statements += q.statements ?? 0;
      commits += q.commits ?? q.statements ?? 0;
      if (q.logged) logged++;
      if (q.notify) notifies++;
      flushes ||= q.notify === true && q.logged === true && q.notifyFlushes === true;
      const value = fixedValue(q.work);
      fixed &&= q.perRowSeconds === undefined && value !== undefined;
      // Added in the order the draws would add it, so bit for bit the sum they give.
      for (let n = 0; n < (q.statements ?? 0); n++) fixedWork += value ?? 0;
    }
    this.holdSteps[row] = holdSteps;
    this.holdCommits[row] = commits;
    this.holdLogged[row] = logged;
    this.holdNotifies[row] = notifies;
    this.holdRoundTrip[row] = fixedDelay(statements * dbRttSeconds);
    if (notifies > 0) this.notifies[classId] = 1;
    if (flushes) this.flushes[classId] = 1;
    if (fixed) this.addOp(first, OP_FIXED, fixedWork, 0);
    else this.addOp(first, OP_HOLD, 0, row);
  }

  private addOp(step: number, kind: number, value: number, arg: number): void {
    const o = this.ops++;
    if (o === this.opStep.length) {
      const n = 2 * o;
      this.opStep = grownInt(this.opStep, n);
      this.opKind = grownBytes(this.opKind, n);
      this.opValue = grownFloat(this.opValue, n);
      this.opArg = grownInt(this.opArg, n);
    }
    this.opStep[o] = step;
    this.opKind[o] = kind;
    this.opValue[o] = value;
    this.opArg[o] = arg;
  }

  private ensureClasses(n: number): void {
    this.stepCount = grownInt(this.stepCount, n);
    this.opStart = grownInt(this.opStart, n);
    this.opCount = grownInt(this.opCount, n);
    this.notifies = grownBytes(this.notifies, n);
    this.flushes = grownBytes(this.flushes, n);
  }

  private ensureRows(rows: number): void {
    if (rows <= this.kind.length) return;
    const n = Math.max(rows, 2 * this.kind.length);
    this.kind = grownBytes(this.kind, n);
    this.statements = grownInt(this.statements, n);
    this.perRowSeconds = grownFloat(this.perRowSeconds, n);
    this.hasPerRow = grownBytes(this.hasPerRow, n);
    this.holdSteps = grownInt(this.holdSteps, n);
    this.holdCommits = grownInt(this.holdCommits, n);
    this.holdLogged = grownInt(this.holdLogged, n);
    this.holdNotifies = grownInt(this.holdNotifies, n);
    this.holdRoundTrip = grownInt(this.holdRoundTrip, n);
  }
}

/** The value of a distribution that always gives it and draws nothing from the generator. */
function fixedValue(work: Distribution): number | undefined {
  return work.spec.dist === "deterministic" ? work.mean : undefined;
}

function grownInt(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
function grownFloat(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
function grownBytes(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}
