import type { Rng } from "../engine/random/index.js";
import { standardNormal } from "../engine/random/index.js";
import type { Simulation } from "../engine/simulation.js";
import { DAY_PROFILE_SLOT_S, DAY_PROFILE_SLOTS } from "../scenario/schema.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { WeekSpec } from "./features.js";
import { LatencyProbe } from "./latencyProbe.js";
import type { RequestPipeline } from "./requestPipeline.js";
import type { SessionMix } from "./sessionMix.js";
import type { WorkspaceRunner } from "./workspaceRunner.js";

const DAY_S = 86400;
const SLOT_S = DAY_PROFILE_SLOT_S;
const SLOTS = DAY_PROFILE_SLOTS;

/** Where a workspace is: stopped, its start build on the way, running for its user, or stopping. */
const OFF = 0;
const STARTING = 1;
const READY = 2;
const STOPPING = 3;

/** One 15-minute slot of the run, for the busiest window. */
export interface SlotLoad {
  startSeconds: number;
  coderdVcpu: number;
  databaseVcpu: number;
  working: number;
  sessionsActive: number;
}

/**
 * Arrivals from a day profile, day after day: at each 15-minute slot the number of users who want their
 * workspace running is the profile's value (scaled to the peak, and on weekends to the weekend share).
 * When it rises, that many stopped users start theirs (by hand, or by autostart at the executor's poll)
 * at random times in the slot; when it falls, that many running users stop theirs. Working users hold a
 * session of the mix, rebuild now and then, and a few open the insights pages.
 */
export class WeekWorkload {
  readonly readyTimes = new LatencyProbe();
  starts = 0;
  autostarts = 0;
  rebuilds = 0;
  insightsLoads = 0;
  working = 0;
  peakWorking = 0;
  readonly slots: SlotLoad[] = [];
  /** The users who want their workspace running now (logical), and the others. */
  private readonly wanted: Uint8Array;
  private readonly phase: Uint8Array;
  /** Users by region (each on its own clock): who wants a running workspace now, and who does not. */
  private readonly groups: { offsetSlots: number; size: number; on: number[]; off: number[] }[];
  private workingIntegral = 0;
  private lastWorkingChange = 0;
  private last = { t: 0, coderd: 0, db: 0, working: 0, sessions: 0 };

  constructor(
    private readonly sim: Simulation,
    private readonly spec: WeekSpec,
    private readonly runner: WorkspaceRunner,
    private readonly mix: SessionMix | undefined,
    private readonly pipeline: RequestPipeline,
    private readonly cluster: CoderdCluster,
    private readonly databaseCpu: { readonly cpuSecondsTotal: number },
    private readonly rng: Rng,
    private readonly classes: {
      workspaceCreate: number;
      autostartBuild: number;
      autobuildPoll: number;
      insightsQuery?: number;
    },
    workspaces: number,
    private readonly requestsPerInsightsLoad: number,
    /** Region of a workspace's user (index into spec.regionOffsetSlots). */
    regionOf: (workspace: number) => number,
  ) {
    this.wanted = new Uint8Array(workspaces);
    this.phase = new Uint8Array(workspaces);
    this.groups = spec.regionOffsetSlots.map((offsetSlots) => ({ offsetSlots, size: 0, on: [], off: [] }));
    for (let w = 0; w < workspaces; w++) {
      const g = this.groups[regionOf(w)]!;
      g.off.push(w);
      g.size++;
    }
  }

  get endSeconds(): number {
    return this.spec.days * DAY_S;
  }

  /** Plans the run: a tick per slot, and the autobuild executor's poll all along. */
  plan(): void {
    for (let d = 0; d < this.spec.days; d++)
      for (let k = 0; k < SLOTS; k++) this.sim.at(d * DAY_S + k * SLOT_S, () => this.slotTick(d, k));
    const poll = this.spec.pollIntervalSeconds;
    const pollTick = (): void => {
      if (this.sim.now >= this.endSeconds) return;
      this.pipeline.startRequest(this.classes.autobuildPoll, this.cluster.pickReplica());
      this.sim.after(poll, pollTick);
    };
    this.sim.at(0, pollTick);
  }

  /**
   * Users of a region wanted in its local slot `slot` (counted from Monday 00:00 of the primary's clock
   * plus the region's lead): the profile scaled to the peak share, less on weekends.
   */
  private target(size: number, slot: number): number {
    const day = Math.floor(slot / SLOTS);
    const weekend = ((day % 7) + 7) % 7 >= 5;
    const share = this.spec.peakShare * (weekend ? this.spec.weekendShare : 1);
    return Math.round(size * share * this.spec.profile[slot - day * SLOTS]!);
  }

  private slotTick(d: number, k: number): void {
    this.recordSlot();
    const t = this.sim.now;
    for (const g of this.groups) {
      const slot = d * SLOTS + k + g.offsetSlots;
      const target = this.target(g.size, slot);
      while (g.on.length < target) {
        const w = this.take(g.off, g.on);
        this.wanted[w] = 1;
        this.arrive(w, t + this.rng() * SLOT_S);
      }
      while (g.on.length > target) {
        const w = this.take(g.on, g.off);
        this.wanted[w] = 0;
        this.sim.at(t + this.rng() * SLOT_S, () => this.leave(w));
      }
      this.planRebuilds(g, slot, target, t);
    }
    this.planInsights(d, k, t);
  }

  /** Moves a random member of `from` to `to`; returns it. */
  private take(from: number[], to: number[]): number {
    const i = Math.floor(this.rng() * from.length);
    const w = from[i]!;
    const moved = from.pop()!;
    if (moved !== w) from[i] = moved;
    to.push(w);
    return w;
  }

  /** A user arrives at `at`: by hand then, or by an autostart schedule on the grid at or before it. */
  private arrive(w: number, at: number): void {
    if (this.rng() >= this.spec.autostartShare) {
      this.sim.at(at, () => this.start(w, this.classes.workspaceCreate, at));
      return;
    }
    // The schedule sits on the grid before the arrival, but not before this slot (its users are drawn now).
    const step = this.spec.autostartStepSeconds;
    const due = Math.max(this.sim.now, Math.floor(at / step) * step);
    const poll = this.spec.pollIntervalSeconds;
    const tick = Math.ceil(due / poll - 1e-9) * poll;
    this.sim.at(tick, () => {
      if (this.start(w, this.classes.autostartBuild, due)) this.autostarts++;
    });
  }

  private start(w: number, classId: number, dueSeconds: number): boolean {
    if (this.wanted[w] === 0 || this.phase[w] !== OFF) return false;
    this.phase[w] = STARTING;
    this.starts++;
    this.runner.startForWorkday(w, classId, dueSeconds);
    return true;
  }

  private leave(w: number): void {
    if (this.wanted[w] === 1 || this.phase[w] !== READY) return; // back already, or stops once ready
    this.stop(w);
  }

  private stop(w: number): void {
    this.mix?.close(w);
    this.setWorking(-1);
    this.phase[w] = STOPPING;
    this.runner.stopForWorkday(w);
  }

  /** Runner callback: a start build's agent connected. */
  ready(w: number, seconds: number): void {
    this.readyTimes.record(seconds, true);
    if (this.wanted[w] === 0) {
      // The user left while it was starting: it stops at once, never worked in.
      this.phase[w] = STOPPING;
      this.runner.stopForWorkday(w);
      return;
    }
    this.phase[w] = READY;
    this.setWorking(1);
    this.mix?.open(w);
  }

  /** Runner callback: a stop build finished. A user who wants it again (a rebuild, or back) starts it. */
  stopped(w: number): void {
    this.phase[w] = OFF;
    if (this.wanted[w] === 1) this.start(w, this.classes.workspaceCreate, this.sim.now);
  }

  /**
   * Rebuilds: rebuilds_per_user_per_day per user active that day (the day's peak count), spread over
   * working time in proportion to the users working in each slot.
   */
  private planRebuilds(g: WeekWorkload["groups"][number], slot: number, target: number, t: number): void {
    const perUser = this.spec.rebuildsPerUserPerDay;
    if (perUser <= 0 || target === 0) return;
    const dayStart = Math.floor(slot / SLOTS) * SLOTS;
    let peak = 0;
    let userSlots = 0;
    for (let k = 0; k < SLOTS; k++) {
      const n = this.target(g.size, dayStart + k);
      peak = Math.max(peak, n);
      userSlots += n;
    }
    const n = poisson(this.rng, (perUser * peak * target) / userSlots);
    for (let i = 0; i < n; i++) {
      this.sim.at(t + this.rng() * SLOT_S, () => {
        if (g.on.length === 0) return;
        const w = g.on[Math.floor(this.rng() * g.on.length)]!;
        if (this.phase[w] !== READY) return;
        this.rebuilds++;
        this.stop(w);
      });
    }
  }

  /** Insights page loads: each user's loads per day follow the profile's shape; each load runs the queries. */
  private planInsights(d: number, k: number, t: number): void {
    const ins = this.spec.insights;
    const cls = this.classes.insightsQuery;
    if (!ins || cls === undefined || ins.users === 0) return;
    const weekend = d % 7 >= 5 ? this.spec.weekendShare : 1;
    const profileSum = this.spec.profile.reduce((a, b) => a + b, 0);
    const n = poisson(this.rng, (ins.users * ins.loadsPerDay * weekend * this.spec.profile[k]!) / profileSum);
    for (let i = 0; i < n; i++) {
      this.sim.at(t + this.rng() * SLOT_S, () => {
        this.insightsLoads++;
        for (let q = 0; q < this.requestsPerInsightsLoad; q++)
          this.pipeline.startRequest(cls, this.cluster.pickReplica());
      });
    }
  }

  private setWorking(delta: number): void {
    const now = this.sim.now;
    this.workingIntegral += this.working * (now - this.lastWorkingChange);
    this.lastWorkingChange = now;
    this.working += delta;
    this.peakWorking = Math.max(this.peakWorking, this.working);
  }

  /** Closes the slot that ends now: mean coderd and database vCPU, users working, sessions active. */
  recordSlot(): void {
    const now = this.sim.now;
    const length = now - this.last.t;
    if (length <= 0) return;
    this.setWorking(0);
    let coderd = 0;
    for (const cpu of this.cluster.cpus) coderd += cpu.cpuSecondsTotal;
    const db = this.databaseCpu.cpuSecondsTotal;
    const sessions = this.mix?.activeSecondsTotal() ?? 0;
    this.slots.push({
      startSeconds: this.last.t,
      coderdVcpu: (coderd - this.last.coderd) / length,
      databaseVcpu: (db - this.last.db) / length,
      working: (this.workingIntegral - this.last.working) / length,
      sessionsActive: (sessions - this.last.sessions) / length,
    });
    this.last = { t: now, coderd, db, working: this.workingIntegral, sessions };
  }

  /** The slot with the most coderd CPU: the busiest 15 minutes of the run. */
  busiest(): SlotLoad | undefined {
    let best: SlotLoad | undefined;
    for (const s of this.slots) if (!best || s.coderdVcpu > best.coderdVcpu) best = s;
    return best;
  }
}

/** A Poisson count: by inversion for small means, normal approximation (rounded, ≥ 0) above 50. */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(rng)));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = rng();
  while (u > cdf && k < 1000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}
