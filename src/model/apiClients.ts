import type { Rng } from "../engine/random/index.js";
import type { ActionId, FixedDelayId, Simulation } from "../engine/simulation.js";
import type { CoderdCluster } from "./coderdCluster.js";
import type { RateLimiter } from "./rateLimiter.js";
import type { RequestPipeline } from "./requestPipeline.js";

/**
 * Scripted API clients (CI jobs, bots, monitoring): each authenticates as its own user and sends one
 * request every 60 / requests_per_min seconds (open loop: it does not wait for answers), from a random
 * phase, over a time window. The rate limiter, when simulated, refuses the excess with 429.
 */
export class ApiClients {
  private readonly tickAction: ActionId;
  private readonly intervalSeconds: number;
  /** The interval as a fixed delay: the clients' next calls queue in posting order (Simulation.fixedDelay). */
  private readonly period: FixedDelayId;
  private endSeconds = 0;
  sent = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cluster: CoderdCluster,
    private readonly pipeline: RequestPipeline,
    private readonly rng: Rng,
    private readonly opts: {
      count: number;
      requestsPerMinute: number;
      /** Rate-limit key of client 0 (clients follow the users' keys). */
      firstKey: number;
      classes: { apiClientCall: number; rateLimited: number };
    },
    private readonly limiter: RateLimiter | undefined,
  ) {
    this.intervalSeconds = 60 / opts.requestsPerMinute;
    this.tickAction = sim.register((client) => this.tick(client));
    this.period = Number.isFinite(this.intervalSeconds) ? sim.fixedDelay(this.intervalSeconds) : -1;
  }

  /** Clients send from now until `endSeconds`. */
  run(endSeconds: number): void {
    this.endSeconds = endSeconds;
    for (let c = 0; c < this.opts.count; c++)
      this.sim.post(this.rng() * this.intervalSeconds, this.tickAction, c);
  }

  private tick(client: number): void {
    if (this.sim.now >= this.endSeconds) return;
    const r = this.cluster.pickReplica();
    const key = this.opts.firstKey + client;
    const allowed = this.limiter === undefined || this.limiter.allow(r, key, this.sim.now);
    this.pipeline.startRequest(
      allowed ? this.opts.classes.apiClientCall : this.opts.classes.rateLimited,
      r,
      -1,
    );
    this.sent++;
    this.sim.postFixed(this.period, this.tickAction, client);
  }
}
