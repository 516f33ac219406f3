import { type Rng, standardNormal } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { WorkdaySpec } from "./features.js";
import { LatencyProbe } from "./latencyProbe.js";
import type { RequestPipeline } from "./requestPipeline.js";
import type { SessionMix } from "./sessionMix.js";
import type { UserSessions } from "./userSessions.js";
import type { WorkspaceRunner } from "./workspaceRunner.js";

/**
 * A workday: each active user's stopped workspace starts around the morning peak, by hand (a build
 * request at a normal-distributed time) or by an autostart schedule (times on a grid; coderd's autobuild
 * executor starts every due workspace at its next poll, so they arrive together). Once the agent is up
 * the user works (a connection to the workspace, if they hold one) and stops it after the time worked.
 * Inactive users' workspaces stay stopped and cost nothing.
 */
export class Workday {
  /** Time to ready: from the click (or the autostart schedule time) to the agent connecting. */
  readonly readyTimes = new LatencyProbe();
  starts = 0;
  autostarts = 0;
  stops = 0;
  working = 0;
  peakWorking = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly spec: WorkdaySpec,
    private readonly runner: WorkspaceRunner,
    private readonly sessions: UserSessions,
    private readonly pipeline: RequestPipeline,
    private readonly cluster: CoderdCluster,
    private readonly rng: Rng,
    private readonly classes: { workspaceCreate: number; autostartBuild: number; autobuildPoll: number },
    private readonly workspaces: number,
    /** The session mix (workload.sessions); absent = one `connection` at the traffic stages' rate. */
    private readonly mix: SessionMix | undefined,
  ) {}

  /** Plans the day: who works, when each workspace starts. Call before the day begins. */
  plan(): void {
    const s = this.spec;
    const length = s.endSeconds - s.startSeconds;
    const poll = s.pollIntervalSeconds;
    const dueByTick = new Map<number, number[]>();
    for (let w = 0; w < this.workspaces; w++) {
      if (this.rng() >= s.activeShare) continue;
      const autostart = this.rng() < s.autostartShare;
      const offset = clamp(s.startMeanSeconds + s.startSpreadSeconds * standardNormal(this.rng), 0, length);
      if (!autostart) {
        const at = s.startSeconds + offset;
        this.sim.at(at, () => this.start(w, this.classes.workspaceCreate, at));
        continue;
      }
      // Schedules sit on a grid; the executor picks a due workspace up at its first poll at or after it.
      const due =
        s.startSeconds +
        clamp(Math.round(offset / s.autostartStepSeconds) * s.autostartStepSeconds, 0, length);
      const tick = Math.ceil(due / poll - 1e-9) * poll;
      const list = dueByTick.get(tick) ?? [];
      list.push(w, due);
      dueByTick.set(tick, list);
    }
    for (const [tick, list] of dueByTick) {
      if (tick >= s.endSeconds) continue;
      this.sim.at(Math.max(tick, this.sim.now), () => {
        for (let i = 0; i < list.length; i += 2)
          this.start(list[i]!, this.classes.autostartBuild, list[i + 1]!, true);
      });
    }
    // The executor polls for due workspaces all day long, whether or not any are due.
    const first = Math.ceil(s.startSeconds / poll) * poll;
    const pollTick = (): void => {
      if (this.sim.now >= s.endSeconds) return;
      this.pipeline.startRequest(this.classes.autobuildPoll, this.cluster.pickReplica());
      this.sim.after(poll, pollTick);
    };
    this.sim.at(Math.max(first, this.sim.now), pollTick);
  }

  /** Runner callback: a workday start is ready. */
  ready(workspace: number, seconds: number): void {
    this.readyTimes.record(seconds, true);
    const s = this.spec;
    this.working++;
    this.peakWorking = Math.max(this.peakWorking, this.working);
    const connected = this.rng() < s.connectedShare;
    if (connected && this.mix) this.mix.open(workspace);
    else if (connected) this.sessions.openWorkspaceConnection(workspace, s.connection);
    const worked = Math.max(60, s.workMeanSeconds + s.workSpreadSeconds * standardNormal(this.rng));
    const stopAt = this.sim.now + worked;
    // Users who would stop after the simulated day ends keep working to the end of the run.
    if (stopAt >= s.endSeconds) return;
    this.sim.at(stopAt, () => {
      this.working--;
      if (connected && this.mix) this.mix.close(workspace);
      else if (connected) this.sessions.closeWorkspaceConnection(workspace);
      this.stops++;
      this.runner.stopForWorkday(workspace);
    });
  }

  private start(workspace: number, classId: number, dueSeconds: number, autostart = false): void {
    this.starts++;
    if (autostart) this.autostarts++;
    this.runner.startForWorkday(workspace, classId, dueSeconds);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
