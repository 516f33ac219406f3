import type { Scenario, StageName } from "../scenario/index.js";

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

/** The scenario's stages as time windows, and the windows summary metrics are taken over. */
export class Timeline {
  readonly stages: readonly StageWindow[];
  /** From the first traffic stage's start to the last one's end (the whole run when there are none). */
  readonly traffic: TimeWindow;
  readonly endSeconds: number;
  readonly warmupSeconds: number;

  constructor(scenario: Scenario) {
    this.stages = scenario.stages
      .map((s) => ({
        name: s.name,
        startSeconds: s.start_s,
        endSeconds: s.start_s + s.duration_s,
        targetFraction: s.target_pct / 100,
      }))
      .sort((a, b) => a.startSeconds - b.startSeconds);
    this.endSeconds = Math.max(...this.stages.map((s) => s.endSeconds));
    this.warmupSeconds = scenario.warmup_s;
    const traffic = this.stages.filter((s) => TRAFFIC_STAGES.includes(s.name));
    this.traffic =
      traffic.length > 0
        ? {
            startSeconds: Math.max(this.warmupSeconds, Math.min(...traffic.map((s) => s.startSeconds))),
            endSeconds: Math.max(...traffic.map((s) => s.endSeconds)),
          }
        : { startSeconds: this.warmupSeconds, endSeconds: this.endSeconds };
  }

  stage(name: StageName): StageWindow | undefined {
    return this.stages.find((s) => s.name === name);
  }

  /** Names of the stages active at time t (a scrape at t covers the interval ending at t). */
  activeAt(tSeconds: number): StageName[] {
    return this.stages.filter((s) => tSeconds > s.startSeconds && tSeconds <= s.endSeconds).map((s) => s.name);
  }

  /** True when t is inside the traffic window and past warm-up. */
  inTraffic(tSeconds: number): boolean {
    return tSeconds >= this.traffic.startSeconds && tSeconds < this.traffic.endSeconds;
  }
}
