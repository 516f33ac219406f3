import type { Deployment } from "./deployment.js";

/** Where the rules come from (numbers copied from the docs, not measured). */
export const SIZING_RULES_SOURCE =
  "coder/coder docs/admin/infrastructure/scale-testing.md and validated-architectures/index.md";

/** Largest coderd replica the rules are split into: the scale test and the reference architectures use 2-4 vCPU. */
const RULES_MAX_REPLICA_VCPU = 4;

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
 * Coder's published rules of thumb: coderd 1 vCPU + 2 GB per 250 users (at least 1 vCPU / 2 GB per
 * replica); provisioners 1 vCPU + 1 GB per 2 concurrent builds, one build per daemon; database
 * 2 vCPU / 8 GB baseline plus 2 vCPU per 1000 active users.
 */
export function coderSizingRules(input: RulesInput): RulesSizing {
  const coderdTotal = Math.max(1, Math.ceil(input.users / 250));
  const replicaVcpu = Math.min(RULES_MAX_REPLICA_VCPU, coderdTotal);
  const replicas = Math.ceil(coderdTotal / replicaVcpu);
  const dbVcpu = Math.ceil(2 + (2 * input.activeUsers) / 1000);
  const builds = Math.max(1, input.concurrentBuilds);
  return {
    deployment: {
      coderdReplicas: replicas,
      coderdVcpu: replicaVcpu,
      coderdMemoryGb: 2 * replicaVcpu,
      dbVcpu,
      dbMemoryGb: 4 * dbVcpu,
      provisioners: builds,
      provisionerVcpu: 0.5,
      provisionerMemoryGb: 0.5,
    },
    reasons: {
      coderd: `1 vCPU per 250 users: ${input.users} users -> ${coderdTotal} vCPU, as ${replicas} x ${replicaVcpu} vCPU`,
      database: `2 vCPU + 2 per 1000 active users: ${input.activeUsers} active -> ${dbVcpu} vCPU`,
      provisioners: `1 vCPU per 2 concurrent builds, one build per daemon: ${builds} builds -> ${builds} x 0.5 vCPU`,
    },
  };
}
