import { distributionFromSpec } from "../../engine/random/index.js";
import { jobAcquireFor } from "../coderVersion.js";
import type { ModelFile } from "../modelSchema.js";
import type { RequestClass } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

type Polling = NonNullable<ModelFile["provisioner_polling"]>;

/** Whether idle daemons poll AcquireJob on a timer: versions before the Acquirer, when the model describes it. */
export function provisionerPollingOn(ctx: ModelContext): boolean {
  const version = ctx.scenario.deployment.coder_version;
  return ctx.model.provisioner_polling !== undefined && jobAcquireFor(version, ctx.model) === "poll";
}

/** Seconds between an idle daemon's polls: the interval plus a uniform share of the jitter (provisionerd.nextInterval). */
export function pollPeriod(p: Polling, uniform: number): number {
  return p.poll_interval_s.value + p.poll_jitter_s.value * uniform;
}

/**
 * Idle provisioner daemons polling for jobs before the Acquirer (provisionerd/provisionerd.go, v0.x to v2.1):
 * every external daemon polls every interval + jitter while idle, each poll one AcquireProvisionerJob that
 * finds no job (no debounce for external daemons); the built-in daemons of a replica share a debounce, so
 * together they reach the database at most once per debounce + jitter, and not at all on a replica serving
 * an external daemon, whose empty polls keep the server's shared last-empty time fresh. A daemon is idle
 * with the queue's idle share (which daemon runs a job is not tracked).
 */
export class ProvisionerPollComponent implements ModelComponent {
  /** Polls started (figure `provisioner_polls`). */
  polls = 0;
  private readonly classId: number;

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    p: Polling,
  ) {
    this.classId = plane.pipeline.define(acquirePollClass(ctx.model, p));
    const rng = ctx.stream("provisioner-poll");
    const replicas = plane.cluster.replicas;
    const served = new Array<boolean>(replicas).fill(false);
    for (let d = 0; d < plane.externalDaemons; d++) {
      // The load balancer gives each daemon's websocket a replica at random (it stays there).
      const replica = Math.floor(rng() * replicas);
      served[replica] = true;
      this.every(
        replica,
        () => pollPeriod(p, rng()),
        () => rng() < this.idleShare(),
        rng(),
      );
    }
    if (plane.builtinPerReplica === 0) return;
    for (let r = 0; r < replicas; r++) {
      if (served[r]) continue;
      const period = () => p.builtin_debounce_s.value + p.poll_jitter_s.value * rng();
      this.every(r, period, () => this.idleShare() > 0, rng());
    }
  }

  figures(): Record<string, number> {
    return { provisioner_polls: this.polls };
  }

  /** Share of daemons without a job. */
  private idleShare(): number {
    const q = this.plane.provisioners;
    return Math.max(0, 1 - q.busyServers / q.servers);
  }

  /** A poller on `replica`: from a random phase, every `period()` seconds, a poll when `idle()`. */
  private every(replica: number, period: () => number, idle: () => boolean, phase: number): void {
    const { sim } = this.ctx;
    const { cluster, pipeline } = this.plane;
    const tick = (): void => {
      if (cluster.isUp(replica) && idle()) {
        this.polls++;
        pipeline.startRequest(this.classId, replica, -1, 1);
      }
      sim.after(period(), tick);
    };
    sim.after(phase * period(), tick);
  }
}

/** One empty AcquireJob: the daemon call on coderd, one AcquireProvisionerJob that writes nothing. */
function acquirePollClass(model: ModelFile, p: Polling): RequestClass {
  const fixed = (value: number) => distributionFromSpec({ dist: "deterministic", value } as never);
  return {
    name: "provisioner_acquire_poll",
    steps: [
      { kind: "coderdCpu", work: fixed(model.coderd.job_cpu_s.value) },
      {
        kind: "query",
        work: fixed(p.empty_acquire_cpu_s.value),
        statements: 1,
        logged: false,
        notify: false,
      },
    ],
    http: false,
    agentApi: false,
  };
}
