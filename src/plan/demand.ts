import type { Check } from "./checks.js";
import type { Deployment } from "./deployment.js";

/** A deployment whose utilisation-law prediction exceeds the cap by more than this is not simulated. */
export const PRUNE_SLACK = 0.1;
/** Above this measured utilisation a resource is saturated: its demand estimate is only a lower bound. */
export const SATURATED = 0.95;

/** Resource names as the model reports them (src/model/coderModel.ts). */
export const CODERD_CPU = /^coderd-\d+ cpu$/;
export const CODERD_POOL = /^coderd-\d+ db pool$/;
export const DB_CPU = "database cpu";
export const PROVISIONERS = "provisioner daemons";

/** CPU demand from the utilisation law (U = X·S): busy vCPU is what the load needs, whatever the size. */
export interface Demand {
  coderdVcpu: number;
  dbVcpu: number;
  /** True when measured on a saturated resource: the real demand is higher. */
  coderdLowerBound: boolean;
  dbLowerBound: boolean;
}

/** The CPU demand a simulated run shows: busy vCPU of coderd (all replicas) and of the database. */
export function demandOf(s: {
  outcome: { summary: { resources: { name: string; utilization: number; servers: number }[] } };
}): Demand {
  let coderd = 0;
  let coderdMax = 0;
  let db = 0;
  let dbUtil = 0;
  for (const r of s.outcome.summary.resources) {
    if (CODERD_CPU.test(r.name)) {
      coderd += r.utilization * r.servers;
      coderdMax = Math.max(coderdMax, r.utilization);
    } else if (r.name === DB_CPU) {
      db = r.utilization * r.servers;
      dbUtil = r.utilization;
    }
  }
  return {
    coderdVcpu: coderd,
    dbVcpu: db,
    coderdLowerBound: coderdMax >= SATURATED,
    dbLowerBound: dbUtil >= SATURATED,
  };
}

/** The larger estimate per component (saturated runs give lower bounds, so larger is safer). */
export function maxDemand(a: Demand, b: Demand): Demand {
  return {
    coderdVcpu: Math.max(a.coderdVcpu, b.coderdVcpu),
    dbVcpu: Math.max(a.dbVcpu, b.dbVcpu),
    coderdLowerBound: a.coderdVcpu >= b.coderdVcpu ? a.coderdLowerBound : b.coderdLowerBound,
    dbLowerBound: a.dbVcpu >= b.dbVcpu ? a.dbLowerBound : b.dbLowerBound,
  };
}

/** Utilisation the law predicts for a deployment (coderd: the load spread evenly over replicas). */
export function predictedUtilization(d: Deployment, demand: Demand): { coderd: number; db: number } {
  return { coderd: demand.coderdVcpu / (d.coderdReplicas * d.coderdVcpu), db: demand.dbVcpu / d.dbVcpu };
}

/** Resources no size in the search changes: a failing check on them cannot be planned away. */
export function isSizeable(check: Check): boolean {
  if (check.kind === "slo") return true;
  return (
    CODERD_CPU.test(check.name) ||
    CODERD_POOL.test(check.name) ||
    check.name === DB_CPU ||
    check.name === PROVISIONERS
  );
}
