import type { Scenario } from "../scenario/index.js";

/** The sizes `plan` chooses: coderd replicas x vCPU, database vCPU, provisioner daemons (memory follows vCPU). */
export interface Deployment {
  coderdReplicas: number;
  coderdVcpu: number;
  coderdMemoryGb: number;
  dbVcpu: number;
  dbMemoryGb: number;
  provisioners: number;
  provisionerVcpu: number;
  provisionerMemoryGb: number;
}

export function deploymentOf(scenario: Scenario): Deployment {
  const d = scenario.deployment;
  return {
    coderdReplicas: d.coderd.replicas,
    coderdVcpu: d.coderd.vcpu,
    coderdMemoryGb: d.coderd.memory_gb,
    dbVcpu: d.database.vcpu,
    dbMemoryGb: d.database.memory_gb,
    provisioners: d.provisioners.count,
    provisionerVcpu: d.provisioners.vcpu,
    provisionerMemoryGb: d.provisioners.memory_gb,
  };
}

/** The cost `plan` minimises: total vCPU of coderd, the database and the provisioner daemons. */
export function totalVcpu(d: Deployment): number {
  return d.coderdReplicas * d.coderdVcpu + d.dbVcpu + d.provisioners * d.provisionerVcpu;
}

/** The `--set` arguments that put a deployment into a scenario. */
export function deploymentOverrides(d: Deployment): string[] {
  return [
    `deployment.coderd.replicas=${d.coderdReplicas}`,
    `deployment.coderd.vcpu=${d.coderdVcpu}`,
    `deployment.coderd.memory_gb=${d.coderdMemoryGb}`,
    `deployment.database.vcpu=${d.dbVcpu}`,
    `deployment.database.memory_gb=${d.dbMemoryGb}`,
    `deployment.provisioners.count=${d.provisioners}`,
    `deployment.provisioners.vcpu=${d.provisionerVcpu}`,
    `deployment.provisioners.memory_gb=${d.provisionerMemoryGb}`,
  ];
}

/** `3 x 4 vCPU` style, for tables. */
export function describeCoderd(d: Deployment): string {
  return `${d.coderdReplicas} x ${d.coderdVcpu} vCPU`;
}

export function sameDeployment(a: Deployment, b: Deployment): boolean {
  return (
    a.coderdReplicas === b.coderdReplicas &&
    a.coderdVcpu === b.coderdVcpu &&
    a.dbVcpu === b.dbVcpu &&
    a.provisioners === b.provisioners &&
    a.provisionerVcpu === b.provisionerVcpu
  );
}
