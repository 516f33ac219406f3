import type { Distribution, Rng } from "../engine/random/index.js";
import type { ActionId, Simulation } from "../engine/simulation.js";
import type { TimeWindow } from "./timeline.js";
import type { UserSessions } from "./userSessions.js";

/** One kind of session of the mix, resolved against the model (features.ts). */
export interface SessionKindSpec {
  kind: string;
  /** Normalised share of working users holding it. */
  share: number;
  active: Distribution;
  idle: Distribution;
  activeBytesPerSecond: number;
  direct: boolean;
  /** Carried at its long-run mean (workload.session_bursts: rate), with no event per switch. */
  asRate: boolean;
}

/**
 * The session mix of working users: each holds one session of a kind drawn by share, open while they
 * work, alternating active bursts (bytes flow) and idle gaps (the session stays open, nothing flows).
 * It counts active sessions per kind over the traffic window, for the mean and the busiest window.
 */
export class SessionMix {
  /** Kind of each workspace's session, −1 when it has none. */
  private readonly kindOf: Int8Array;
  /** How much of an active session each workspace's counts as: 1 or 0 (events), the active share (rate). */
  private readonly weight: Float64Array;
  /** Bumped when a session closes, so its pending active/idle switch is ignored. */
  private readonly epoch: Uint32Array;
  readonly activeNow: Float64Array;
  /** Active-session seconds per kind inside the window, and over the whole run (all kinds). */
  private readonly windowIntegral: Float64Array;
  private runIntegral = 0;
  private lastChange = 0;
  /** The end of an active or idle period, by (session epoch, workspace) in one number: no closure per switch. */
  private readonly switchAction: ActionId;

  constructor(
    private readonly sim: Simulation,
    private readonly kinds: readonly SessionKindSpec[],
    private readonly sessions: UserSessions,
    private readonly rng: Rng,
    workspaces: number,
    /** Its traffic window is where the mean is taken (read when needed: prepare may move it). */
    private readonly timeline: { readonly traffic: TimeWindow },
  ) {
    this.kindOf = new Int8Array(workspaces).fill(-1);
    this.weight = new Float64Array(workspaces);
    this.epoch = new Uint32Array(workspaces);
    this.activeNow = new Float64Array(kinds.length);
    this.windowIntegral = new Float64Array(kinds.length);
    this.switchAction = sim.register((token) => this.periodEnded(token));
  }

  get kindNames(): string[] {
    return this.kinds.map((k) => k.kind);
  }

  /** Opens the working user's session: its kind by share, active or idle in the long-run proportion. */
  open(workspace: number): void {
    if (this.kindOf[workspace] !== -1) return;
    const k = this.pickKind();
    const spec = this.kinds[k]!;
    // Starting in the stationary state: active with probability E[active] / (E[active] + E[idle]).
    const cycle = spec.active.mean + spec.idle.mean;
    const activeShare = cycle > 0 ? spec.active.mean / cycle : 0;
    const startActive = cycle > 0 && this.rng() < activeShare;
    // A rate session is that share of an active one for as long as it is open (the draw above kept for
    // the stream's sake: a never-idle kind then runs bit for bit as with events).
    const weight = spec.asRate ? activeShare : startActive ? 1 : 0;
    // Opened at its starting rate, so a never-idle session is exactly a traffic-stage connection.
    if (!this.sessions.openSession(workspace, spec.direct, weight * spec.activeBytesPerSecond)) return;
    this.kindOf[workspace] = k;
    if (weight > 0) this.count(k, weight);
    this.weight[workspace] = weight;
    if (!spec.asRate) this.scheduleSwitch(workspace, startActive);
  }

  close(workspace: number): void {
    const k = this.kindOf[workspace]!;
    if (k === -1) return;
    if (this.weight[workspace]! > 0) this.count(k, -this.weight[workspace]!);
    this.weight[workspace] = 0;
    this.kindOf[workspace] = -1;
    this.epoch[workspace]!++;
    this.sessions.closeWorkspaceConnection(workspace);
  }

  /** Mean active sessions of each kind over the window (time average). */
  meanActive(): number[] {
    this.advance();
    const window = this.timeline.traffic;
    const length = Math.max(1e-9, Math.min(this.sim.now, window.endSeconds) - window.startSeconds);
    return Array.from(this.windowIntegral, (x) => x / length);
  }

  /** Active-session seconds of all kinds since the start of the run, up to now. */
  activeSecondsTotal(): number {
    this.advance();
    return this.runIntegral;
  }

  private pickKind(): number {
    let u = this.rng();
    for (let k = 0; k < this.kinds.length - 1; k++) {
      u -= this.kinds[k]!.share;
      if (u < 0) return k;
    }
    return this.kinds.length - 1;
  }

  private switchTo(workspace: number, active: boolean): void {
    const k = this.kindOf[workspace]!;
    const spec = this.kinds[k]!;
    if (active !== (this.weight[workspace] === 1)) this.count(k, active ? 1 : -1);
    this.weight[workspace] = active ? 1 : 0;
    this.sessions.setSessionBytes(workspace, active ? spec.activeBytesPerSecond : 0);
    this.scheduleSwitch(workspace, active);
  }

  /** Schedules the end of the current state (active or idle). */
  private scheduleSwitch(workspace: number, active: boolean): void {
    const spec = this.kinds[this.kindOf[workspace]!]!;
    // A kind that is never idle (or never active) stays as it is: no zero-length switches.
    if ((active ? spec.idle : spec.active).mean === 0) return;
    const lasts = (active ? spec.active : spec.idle).sample(this.rng);
    this.sim.post(lasts, this.switchAction, this.epoch[workspace]! * this.kindOf.length + workspace);
  }

  /** A period ended: the session switches, unless it was closed (its epoch moved on) meanwhile. */
  private periodEnded(token: number): void {
    const workspace = token % this.kindOf.length;
    if (this.epoch[workspace] !== (token - workspace) / this.kindOf.length) return;
    this.switchTo(workspace, this.weight[workspace] === 0);
  }

  private count(kind: number, delta: number): void {
    this.advance();
    this.activeNow[kind]! += delta;
  }

  /** Adds the time since the last change, at the counts that held, to the integrals. */
  private advance(): void {
    const now = this.sim.now;
    if (now <= this.lastChange) return;
    const window = this.timeline.traffic;
    const from = Math.max(this.lastChange, window.startSeconds);
    const to = Math.min(now, window.endSeconds);
    let total = 0;
    for (let k = 0; k < this.kinds.length; k++) {
      const n = this.activeNow[k]!;
      total += n;
      if (to > from) this.windowIntegral[k]! += n * (to - from);
    }
    this.runIntegral += total * (now - this.lastChange);
    this.lastChange = now;
  }
}
