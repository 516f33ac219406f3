import { stageFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { StageWindow } from "../timeline.js";
import type { UserSessions } from "../userSessions.js";
import type { WorkspaceRunner } from "../workspaceRunner.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";

/**
 * The scenario's stages: each starts and stops the runner or the users at its window. Stages after
 * prepare are scheduled once prepare is done (it may overrun its plan and push them back).
 */
export class StagesComponent implements ModelComponent {
  constructor(
    private readonly ctx: ModelContext,
    private readonly runner: WorkspaceRunner,
    private readonly sessions: UserSessions,
  ) {
    const afterPrepare = new Set(ctx.timeline.stagesAfterPrepare());
    for (const stage of ctx.timeline.stages) if (!afterPrepare.has(stage)) this.schedule(stage);
  }

  afterPrepare(): void {
    for (const stage of this.ctx.timeline.stagesAfterPrepare()) this.schedule(stage);
  }

  installMetrics(registry: MetricRegistry): void {
    stageFamilies(registry, this.ctx.timeline);
  }

  private schedule(stage: StageWindow): void {
    const { runner, sessions } = this;
    const sim = this.ctx.sim;
    const { workspaces, users } = this.ctx.scenario.workload;
    sim.at(stage.startSeconds, () => {
      switch (stage.name) {
        case "prepare":
          runner.startPrepare(Math.round(stage.targetFraction * workspaces));
          break;
        case "cleanup":
          runner.startCleanup();
          break;
        case "dashboard":
          sessions.startDashboard(Math.round(stage.targetFraction * users));
          break;
        default:
          sessions.openConnections(stage.name, stage.targetFraction, workspaces);
      }
    });
    sim.at(stage.endSeconds, () => {
      if (stage.name === "dashboard") sessions.stopDashboard();
      else if (stage.name !== "prepare" && stage.name !== "cleanup") sessions.closeConnections(stage.name);
    });
  }
}
