import { nodePoolFamilies } from "../metrics/coderMetrics.js";
import type { MetricRegistry } from "../metrics/registry.js";
import { NodePool } from "../nodePool.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";

/** The data plane: workspace pods wait for room on an autoscaled node pool (workspace_nodes). */
export class NodePoolComponent implements ModelComponent {
  readonly pool: NodePool;

  constructor(ctx: ModelContext) {
    const spec = ctx.features.nodes!;
    this.pool = new NodePool(ctx.sim, spec, ctx.stream("nodes"), ctx.scenario.workload.workspaces);
  }

  installMetrics(registry: MetricRegistry): void {
    nodePoolFamilies(registry, this.pool);
  }

  figures(): Record<string, number> {
    const p = this.pool;
    return {
      node_wait_p95_s: p.nodeWait.exactQuantile(0.95),
      nodes_added: p.nodesAdded,
      nodes_removed: p.nodesRemoved,
      pods_pending_peak: p.peakPending,
      node_hours: p.nodeHours,
    };
  }
}
