import type { Deployment } from "./deployment.js";
import type { ReferenceTier } from "./guidanceSchema.js";
import { coderGuidance } from "./loadGuidance.js";

/** Coder's validated reference architectures (models/guidance/coder-sizing.yaml), smallest first. */
export function referenceArchitectures(): readonly ReferenceTier[] {
  return coderGuidance().reference_architectures.tiers;
}

/** Where the tiers come from, as the data file says. */
export function referenceArchitecturesSource(): string {
  return coderGuidance().reference_architectures.source;
}

/** The tier one would pick for `users`: the smallest sized for at least that many (else the largest). */
export function nearestReferenceArchitecture(users: number): ReferenceTier {
  const tiers = referenceArchitectures();
  return tiers.find((a) => a.users >= users) ?? tiers.at(-1)!;
}

export function referenceDeployment(a: ReferenceTier): Deployment {
  return {
    coderdReplicas: a.coderd.replicas,
    coderdVcpu: a.coderd.vcpu,
    coderdMemoryGb: a.coderd.memory_gb,
    dbVcpu: a.database.vcpu,
    dbMemoryGb: a.database.memory_gb,
    provisioners: a.provisioner.replicas,
    provisionerVcpu: a.provisioner.vcpu,
    provisionerMemoryGb: a.provisioner.memory_gb,
  };
}
