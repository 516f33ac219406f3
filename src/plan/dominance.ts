import { dominates } from "./candidates.js";
import type { Assessment } from "./checks.js";
import { CODERD_CPU, DB_CPU } from "./demand.js";
import type { Deployment } from "./deployment.js";

/** A simulated deployment that failed, and whether it failed on a CPU's utilisation that only that CPU's size lowers. */
export interface Failure {
  deployment: Deployment;
  /** A coderd replica's CPU was over the cap. */
  coderdCpu: boolean;
  /** The database's CPU was over the cap. */
  dbCpu: boolean;
}

/** What a failed run's checks say about the deployments no bigger than it on the resource that failed. */
export function failureOf(deployment: Deployment, assessment: Assessment): Failure {
  const util = assessment.failing.filter((c) => c.kind === "util");
  return {
    deployment,
    coderdCpu: util.some((c) => CODERD_CPU.test(c.name)),
    dbCpu: util.some((c) => c.name === DB_CPU),
  };
}

/**
 * True when `candidate` must fail as `failure` did: it is no bigger anywhere, or no bigger on a CPU whose
 * utilisation was over the cap. A CPU's utilisation is its load over its size (the utilisation law), and
 * the load comes from the users and agents, not from the other resources' sizes (a faster database does
 * not lower coderd's CPU per request; if anything the closed loop then sends more), so a bigger database
 * cannot rescue coderd's CPU, nor more coderd the database's. Pools and latency SLOs depend on every size,
 * so they prune only by full dominance. Fewer provisioner daemons could move builds' load out of the
 * measured window, so the candidate must have at least the failed run's daemons.
 */
export function failsLike(failure: Failure, candidate: Deployment): boolean {
  const f = failure.deployment;
  if (dominates(f, candidate)) return true;
  if (candidate.provisioners < f.provisioners) return false;
  if (
    failure.coderdCpu &&
    candidate.coderdReplicas <= f.coderdReplicas &&
    candidate.coderdVcpu <= f.coderdVcpu
  )
    return true;
  return failure.dbCpu && candidate.dbVcpu <= f.dbVcpu;
}
