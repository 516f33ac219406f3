import type { FcfsQueue } from "../../engine/resources/fcfsQueue.js";
import type { Simulation } from "../../engine/simulation.js";
import { provisionerFamilies } from "../metrics/coderMetrics.js";
import type { ModelComponent } from "./component.js";

type ProvisionerFleet = Parameters<typeof provisionerFamilies>[2];

/** Provisioner daemons (external and built-in): the job queue they serve. */
export function provisionerComponent(
  sim: Simulation,
  fleet: ProvisionerFleet & { queue: FcfsQueue },
  replicas: number,
): ModelComponent {
  return {
    installMetrics: (registry) => provisionerFamilies(registry, sim, fleet, replicas),
    resources: () => [{ section: "provisioning", kind: "queue", resource: fleet.queue }],
  };
}
