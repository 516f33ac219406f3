import { provisionerFamilies } from "../metrics/coderMetrics.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

/** Provisioner daemons (external and built-in): the job queue they serve. */
export function provisionerComponent(ctx: ModelContext, plane: ControlPlane): ModelComponent {
  const building = ctx.model.provisioner.building_vcpu.value;
  const daemons = {
    queue: plane.provisioners,
    external: plane.externalDaemons,
    builtinPerReplica: plane.builtinPerReplica,
    buildingVcpu: Math.min(building, ctx.scenario.deployment.provisioners.vcpu),
    idleVcpu: ctx.model.provisioner.idle_vcpu.value,
  };
  return {
    installMetrics: (registry) => provisionerFamilies(registry, ctx.sim, daemons, plane.cluster.replicas),
    resources: () => [{ section: "provisioning", kind: "queue", resource: plane.provisioners }],
  };
}
