import type { CoderdCluster } from "../coderdCluster.js";
import { coderdFamilies } from "../metrics/coderMetrics.js";
import type { ModelComponent } from "./component.js";

/** coderd replicas: their CPUs and database connection pools. */
export function coderdComponent(cluster: CoderdCluster): ModelComponent {
  return {
    installMetrics: (registry) => coderdFamilies(registry, cluster),
    resources: () => [
      ...cluster.cpus.map((resource) => ({ section: "compute" as const, kind: "cpu" as const, resource })),
      ...cluster.pools.map((resource) => ({
        section: "connections" as const,
        kind: "pool" as const,
        resource,
      })),
    ],
  };
}
