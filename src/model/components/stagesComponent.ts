import type { Simulation } from "../../engine/simulation.js";
import { stageFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { StageWindow, Timeline } from "../timeline.js";
import type { UserSessions } from "../userSessions.js";
import type { WorkspaceRunner } from "../workspaceRunner.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";

/**
 * The scenario's stages: each starts and stops the runner or the users at its window. Stages after
 * prepare are scheduled once prepare is done (it may overrun its plan and push them back).
 */
export class StagesComponent implements ModelComponent {
  private readonly sim: Simulation;
  private readonly timeline: Timeline;
  private readonly workspaces: number;
  private readonly users: number;

  constructor(
    ctx: ModelContext,
    private readonly runner: WorkspaceRunner,
    private readonly sessions: UserSessions,
  ) {
    this.sim = ctx.sim;
    this.timeline = ctx.timeline;
    this.workspaces = ctx.scenario.workload.workspaces;
    this.users = ctx.scenario.workload.users;
    const afterPrepare = new Set(this.timeline.stagesAfterPrepare());
    for (const stage of this.timeline.stages) if (!afterPrepare.has(stage)) this.schedule(stage);
  }

  afterPrepare(): void {
    for (const stage of this.timeline.stagesAfterPrepare()) this.schedule(stage);
  }

  installMetrics(registry: MetricRegistry): void {
    stageFamilies(registry, this.timeline);
  }

  private schedule(stage: StageWindow): void {
    const { runner, sessions } = this;
    this.sim.at(stage.startSeconds, () => {
      switch (stage.name) {
        case "prepare":
          runner.startPrepare(Math.round(stage.targetFraction * this.workspaces));
          break;
        case "cleanup":
          runner.startCleanup();
          break;
        case "dashboard":
          sessions.startDashboard(Math.round(stage.targetFraction * this.users));
          break;
        default:
          sessions.openConnections(stage.name, stage.targetFraction, this.workspaces);
      }
    });
    this.sim.at(stage.endSeconds, () => {
      if (stage.name === "dashboard") sessions.stopDashboard();
      else if (stage.name !== "prepare" && stage.name !== "cleanup") sessions.closeConnections(stage.name);
    });
  }
}
