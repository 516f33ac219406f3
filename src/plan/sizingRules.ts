import type { Deployment } from "./deployment.js";
import { coderGuidance } from "./loadGuidance.js";

/** Where the rules come from (numbers copied from the docs, not measured), as the data file says. */
export function sizingRulesSource(): string {
  return coderGuidance().rules_of_thumb.source;
}

export interface RulesInput {
  users: number;
  /** Users whose workspaces run an agent: the "active users" of the database rule. */
  activeUsers: number;
  /** Workspace builds in flight at once. */
  concurrentBuilds: number;
}

export interface RulesSizing {
  deployment: Deployment;
  /** One line per component: the rule and the arithmetic. */
  reasons: { coderd: string; database: string; provisioners: string };
}

/**
 * Coder's published rules of thumb (models/guidance/coder-sizing.yaml): coderd vCPU per users (at
 * least 1 per replica); provisioners per concurrent build, one build per daemon; database baseline
 * plus vCPU per 1000 active users.
 */
export function coderSizingRules(input: RulesInput): RulesSizing {
  const { coderd, provisioner, database } = coderGuidance().rules_of_thumb;
  const coderdTotal = Math.max(1, Math.ceil(input.users / coderd.users_per_vcpu));
  const replicaVcpu = Math.min(coderd.max_replica_vcpu, coderdTotal);
  const replicas = Math.ceil(coderdTotal / replicaVcpu);
  const dbVcpu = Math.ceil(
    database.base_vcpu + (database.vcpu_per_1000_active_users * input.activeUsers) / 1000,
  );
  const builds = Math.max(1, input.concurrentBuilds);
  return {
    deployment: {
      coderdReplicas: replicas,
      coderdVcpu: replicaVcpu,
      coderdMemoryGb: coderd.memory_gb_per_vcpu * replicaVcpu,
      dbVcpu,
      dbMemoryGb: database.memory_gb_per_vcpu * dbVcpu,
      provisioners: builds,
      provisionerVcpu: provisioner.vcpu_per_build,
      provisionerMemoryGb: provisioner.memory_gb_per_build,
    },
    reasons: {
      coderd: `1 vCPU per ${coderd.users_per_vcpu} users: ${input.users} users -> ${coderdTotal} vCPU, as ${replicas} x ${replicaVcpu} vCPU`,
      database: `${database.base_vcpu} vCPU + ${database.vcpu_per_1000_active_users} per 1000 active users: ${input.activeUsers} active -> ${dbVcpu} vCPU`,
      provisioners: `1 vCPU per ${1 / provisioner.vcpu_per_build} concurrent builds, one build per daemon: ${builds} builds -> ${builds} x ${provisioner.vcpu_per_build} vCPU`,
    },
  };
}
