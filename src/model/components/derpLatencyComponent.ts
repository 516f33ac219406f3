import { distributionFromSpec } from "../../engine/random/index.js";
import type { Scenario } from "../../scenario/index.js";
import { quantileSorted } from "../../series/quantile.js";
import type { AgentFleet } from "../agentFleet.js";
import { since } from "../coderVersion.js";
import { FAMILIES, TARGETS } from "../metrics/catalog.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { ModelFile } from "../modelSchema.js";
import type { RequestListener } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

type DerpLatency = NonNullable<ModelFile["derp_latency"]>;

/** The embedded relay's region name (codersdk/deployment.go, --derp-server-region-name default). */
const EMBEDDED_REGION = "Coder Embedded Relay";

/** Percentiles 0..100 the compacted gauge exports per pod. */
const PERCENTILES = 101;

/**
 * Whether the run models the gauge: the model describes it and the version times regions by HTTP(S)
 * (from versions.derp_https_latency; before it the value was STUN to the STUN servers, not modelled).
 */
export function derpLatencyOn(scenario: Scenario, model: ModelFile): boolean {
  if (!model.derp_latency) return false;
  const first = model.versions.derp_https_latency;
  return first === undefined || since(scenario.deployment.coder_version, first);
}

/**
 * coderd_agents_connection_latencies_seconds (coderd/prometheusmetrics/prometheusmetrics.go Agents()): per
 * connected agent, the DERPLatency of its tailnet node. Where the value comes from (coder/tailscale
 * net/netcheck): when a new agent's tailnet starts, its netcheck GETs /derp/latency-check on the embedded
 * region's node (the access URL, so a replica the load balancer picks) and keeps httpstat's
 * ServerProcessing, request written to first byte: one round trip plus coderd's time to answer. The node
 * keeps that value: magicsock reports NetInfo only when it changes other than in latency
 * (NetInfo.BasicallyEqual), so later netchecks, and redials that keep the tailnet, do not change it.
 * Here the request runs on the replica's CPU like any other; network.client_rtt_s (and a far region's
 * extra round trip) is the network.
 */
export class DerpLatencyComponent implements ModelComponent {
  private readonly cls: number;
  /** Each agent's gauge value, seconds; NaN until its probe answered (a failed probe leaves none). */
  private readonly value: Float64Array;
  /** Percentiles 0..100 across connected agents at the last collector refresh (NaN: none). */
  private readonly percentiles = new Float64Array(PERCENTILES).fill(Number.NaN);
  /** A value changed since the last refresh, or the fleet's connections did (as of `seenConnections`). */
  private stale = true;
  private seenConnections = -1;
  private readonly pickRng: () => number;
  readonly onClassRequestDone: { readonly classId: number; readonly listen: RequestListener };

  constructor(
    private readonly ctx: ModelContext,
    private readonly plane: ControlPlane,
    private readonly fleet: AgentFleet,
    d: DerpLatency,
  ) {
    this.cls = plane.pipeline.define({
      name: "derp_latency_check",
      steps: [{ kind: "coderdCpu", work: distributionFromSpec(d.probe_cpu_s.value) }],
      // It passes coderd's root middlewares, Prometheus' among them: an HTTP request on its route.
      http: true,
      agentApi: false,
      route: { method: "GET", path: "/derp/latency-check" },
    });
    this.value = new Float64Array(ctx.scenario.workload.workspaces).fill(Number.NaN);
    this.pickRng = ctx.stream("derp-latency-check");
    ctx.hooks.agentStarted.connect((agent) => this.probe(agent));
    this.onClassRequestDone = {
      classId: this.cls,
      listen: (_classId, _replica, latency, owner, failed) => {
        if (failed) return;
        this.value[owner] = latency;
        this.stale = true;
      },
    };
  }

  /** The netcheck's HTTP(S) probe: a new connection, so whichever live replica the load balancer picks. */
  private probe(agent: number): void {
    const { cluster, pipeline } = this.plane;
    this.value[agent] = Number.NaN;
    this.stale = true;
    if (cluster.upCount === 0) return;
    let k = Math.floor(this.pickRng() * cluster.upCount);
    let replica = 0;
    for (; replica < cluster.replicas; replica++) if (cluster.isUp(replica) && k-- === 0) break;
    pipeline.startRequest(this.cls, replica, agent, 0, this.fleet.rttOf(agent));
  }

  /** Agents() refresh: the connected agents' values, as percentiles (what quantile() across them gives). */
  private collect(): void {
    // Nothing the percentiles read changed: they stand (most refreshes after the fleet connected).
    if (!this.stale && this.seenConnections === this.fleet.connectionChanges) return;
    this.stale = false;
    this.seenConnections = this.fleet.connectionChanges;
    const values: number[] = [];
    for (let a = 0; a < this.value.length; a++) {
      const v = this.value[a]!;
      if (!Number.isNaN(v) && this.fleet.isConnected(a)) values.push(v);
    }
    const sorted = Float64Array.from(values).sort();
    for (let k = 0; k < PERCENTILES; k++) {
      this.percentiles[k] = sorted.length > 0 ? quantileSorted(k / 100, sorted) : Number.NaN;
    }
  }

  installMetrics(registry: MetricRegistry): void {
    const { sim, model } = this.ctx;
    const { cluster } = this.plane;
    const interval = model.coderd.agents_collector_interval_s.value;
    const refresh = (): void => {
      this.collect();
      sim.after(interval, refresh);
    };
    sim.after(0, refresh);
    for (let r = 0; r < cluster.replicas; r++) {
      const labels = Array.from({ length: PERCENTILES }, (_, k) => ({
        pod: TARGETS.coderdPod(r),
        derp_region: EMBEDDED_REGION,
        preferred: "true",
        percentile: String(k),
      }));
      registry.seriesGroup(FAMILIES.agentsConnectionLatencies, labels, (out) => {
        if (cluster.isUp(r)) out.set(this.percentiles);
        else out.fill(Number.NaN, 0, PERCENTILES);
      });
    }
  }
}
