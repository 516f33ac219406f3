import type { Deployment } from "./deployment.js";

/**
 * Coder's validated reference architectures, copied from /work/shared/data/coder-reference-architectures.json
 * (source: coder/coder docs/admin/infrastructure/validated-architectures/*.md, newest versions; values
 * as published, not measured). Running workspaces are 0.6 x users and concurrent builds 0.06 x users.
 */
export const REFERENCE_ARCHITECTURES_SOURCE =
  "coder/coder docs/admin/infrastructure/validated-architectures/ (1k, 2k, 3k, 10k users)";

export interface ReferenceArchitecture {
  name: string;
  users: number;
  runningWorkspaces: number;
  concurrentBuilds: number;
  coderd: { replicas: number; vcpu: number; memoryGb: number };
  provisioner: { replicas: number; vcpu: number; memoryGb: number };
  database: { vcpu: number; memoryGb: number };
}

export const REFERENCE_ARCHITECTURES: readonly ReferenceArchitecture[] = [
  {
    name: "1k",
    users: 1000,
    runningWorkspaces: 600,
    concurrentBuilds: 60,
    coderd: { replicas: 3, vcpu: 2, memoryGb: 8 },
    provisioner: { replicas: 60, vcpu: 1, memoryGb: 1 },
    database: { vcpu: 8, memoryGb: 30 },
  },
  {
    name: "2k",
    users: 2000,
    runningWorkspaces: 1200,
    concurrentBuilds: 120,
    coderd: { replicas: 3, vcpu: 4, memoryGb: 12 },
    provisioner: { replicas: 120, vcpu: 1, memoryGb: 1 },
    database: { vcpu: 16, memoryGb: 60 },
  },
  {
    name: "3k",
    users: 3000,
    runningWorkspaces: 1800,
    concurrentBuilds: 180,
    coderd: { replicas: 4, vcpu: 4, memoryGb: 12 },
    provisioner: { replicas: 180, vcpu: 1, memoryGb: 1 },
    database: { vcpu: 32, memoryGb: 120 },
  },
  {
    name: "10k",
    users: 10000,
    runningWorkspaces: 6000,
    concurrentBuilds: 600,
    coderd: { replicas: 10, vcpu: 4, memoryGb: 12 },
    provisioner: { replicas: 600, vcpu: 1, memoryGb: 1 },
    database: { vcpu: 64, memoryGb: 240 },
  },
];

/** The tier one would pick for `users`: the smallest sized for at least that many (else the largest). */
export function nearestReferenceArchitecture(users: number): ReferenceArchitecture {
  return REFERENCE_ARCHITECTURES.find((a) => a.users >= users) ?? REFERENCE_ARCHITECTURES.at(-1)!;
}

export function referenceDeployment(a: ReferenceArchitecture): Deployment {
  return {
    coderdReplicas: a.coderd.replicas,
    coderdVcpu: a.coderd.vcpu,
    coderdMemoryGb: a.coderd.memoryGb,
    dbVcpu: a.database.vcpu,
    dbMemoryGb: a.database.memoryGb,
    provisioners: a.provisioner.replicas,
    provisionerVcpu: a.provisioner.vcpu,
    provisionerMemoryGb: a.provisioner.memoryGb,
  };
}
