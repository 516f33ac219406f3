import type { Scenario, StageName } from "../scenario/index.js";
import { weekSchema } from "../scenario/schema.js";

/** Days a day-profile workload runs (workload.week.days, default 7). */
export function dayProfileDays(scenario: Scenario): number {
  return weekSchema.parse(scenario.workload.week ?? {}).days;
}

/** A closed-open window of simulated time, seconds. */
export interface TimeWindow {
  startSeconds: number;
  endSeconds: number;
}

export interface StageWindow extends TimeWindow {
  name: StageName;
  targetFraction: number;
}

/** Stages that put user traffic on a built deployment (the "test" part of a scale test). */
export const TRAFFIC_STAGES: readonly StageName[] = ["ssh", "web_terminal", "workspace_apps", "dashboard"];

/**
 * The scenario's stages as time windows, and the windows summary metrics are taken over. Like Coder's
 * scale-test runner, the test waits for prepare to finish: if the builds overrun the planned prepare
 * window, every later stage moves back by the overrun (`delayAfterPrepare`).
 */
export class Timeline {
  private windows: StageWindow[];
  private trafficWindow: TimeWindow;
  readonly warmupSeconds: number;
  /** How much the stages after prepare were delayed because prepare overran, seconds. */
  prepareOverrunSeconds = 0;

  /** The workday's window, when the scenario has one (its load counts as traffic). */
  readonly workday: TimeWindow | undefined;

  constructor(scenario: Scenario) {
    const day = scenario.workload.workday;
    this.workday = day && { startSeconds: day.start_s, endSeconds: day.start_s + day.duration_s };
    // A day-profile workload is a workday as long as its days (from Monday 00:00).
    if (scenario.workload.day_profile !== undefined)
      this.workday = { startSeconds: 0, endSeconds: dayProfileDays(scenario) * 86400 };
    this.windows = scenario.stages
      .map((s) => ({
        name: s.name,
        startSeconds: s.start_s,
        endSeconds: s.start_s + s.duration_s,
        targetFraction: s.target_pct / 100,
      }))
      .sort((a, b) => a.startSeconds - b.startSeconds);
    this.warmupSeconds = scenario.warmup_s;
    this.trafficWindow = this.computeTraffic();
  }

  get stages(): readonly StageWindow[] {
    return this.windows;
  }

  get endSeconds(): number {
    return Math.max(...this.windows.map((s) => s.endSeconds), this.workday?.endSeconds ?? 0);
  }

  /** From the first traffic stage's start to the last one's end (the whole run when there are none). */
  get traffic(): TimeWindow {
    return this.trafficWindow;
  }

  private computeTraffic(): TimeWindow {
    const traffic: TimeWindow[] = this.windows.filter((s) => TRAFFIC_STAGES.includes(s.name));
    if (this.workday) traffic.push(this.workday);
    return traffic.length > 0
      ? {
          startSeconds: Math.max(this.warmupSeconds, Math.min(...traffic.map((s) => s.startSeconds))),
          endSeconds: Math.max(...traffic.map((s) => s.endSeconds)),
        }
      : { startSeconds: this.warmupSeconds, endSeconds: this.endSeconds };
  }

  stage(name: StageName): StageWindow | undefined {
    return this.windows.find((s) => s.name === name);
  }

  /** Stages that start at or after prepare's planned end (all of them when there is no prepare). */
  stagesAfterPrepare(): StageWindow[] {
    const prepare = this.stage("prepare");
    return this.windows.filter(
      (s) => s.name !== "prepare" && (!prepare || s.startSeconds >= prepare.endSeconds),
    );
  }

  /** Prepare finished at `doneSeconds`, after its planned end: extend it and move later stages back. */
  delayAfterPrepare(doneSeconds: number): void {
    const prepare = this.stage("prepare");
    if (!prepare || doneSeconds <= prepare.endSeconds) return;
    const overrun = doneSeconds - prepare.endSeconds;
    const later = new Set(this.stagesAfterPrepare());
    this.windows = this.windows.map((s) =>
      later.has(s)
        ? { ...s, startSeconds: s.startSeconds + overrun, endSeconds: s.endSeconds + overrun }
        : s.name === "prepare"
          ? { ...s, endSeconds: doneSeconds }
          : s,
    );
    this.prepareOverrunSeconds = overrun;
    this.trafficWindow = this.computeTraffic();
  }

  /** Names of the stages active at time t (a scrape at t covers the interval ending at t). */
  activeAt(tSeconds: number): StageName[] {
    return this.windows
      .filter((s) => tSeconds > s.startSeconds && tSeconds <= s.endSeconds)
      .map((s) => s.name);
  }

  /** Labels of what is going on at time t: the active stages, and "workday" inside the workday. */
  labelsAt(tSeconds: number): string[] {
    const labels: string[] = this.activeAt(tSeconds);
    if (this.workday && tSeconds > this.workday.startSeconds && tSeconds <= this.workday.endSeconds)
      labels.push("workday");
    return labels;
  }

  /** True when t is inside the traffic window and past warm-up. */
  inTraffic(tSeconds: number): boolean {
    return tSeconds >= this.trafficWindow.startSeconds && tSeconds < this.trafficWindow.endSeconds;
  }
}
