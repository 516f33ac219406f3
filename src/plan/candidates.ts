import type { Deployment } from "./deployment.js";
import { totalVcpu } from "./deployment.js";

/** Sizes the search tries: replicas (Coder advises fewer than 10), and common vCPU sizes. */
export const CANDIDATE_SPACE = {
  coderdReplicas: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  coderdVcpu: [1, 2, 4, 8, 16, 32],
  dbVcpu: [1, 2, 4, 8, 16, 32, 48, 64, 96, 128],
} as const;

/** Sizes held fixed because the user set them with `--set`. */
export type FixedSizes = Partial<
  Pick<Deployment, "coderdReplicas" | "coderdVcpu" | "dbVcpu" | "provisioners">
>;

/** Round to 0.1 GB so memory sizes print cleanly. */
const gb = (x: number) => Math.max(0.5, Math.round(x * 10) / 10);

/** What candidates share: the provisioners, and memory per vCPU taken from the scenario. */
export interface CandidateShape {
  provisioners: number;
  provisionerVcpu: number;
  provisionerMemoryGb: number;
  coderdGbPerVcpu: number;
  dbGbPerVcpu: number;
}

/** Every deployment of the search space (pinned sizes held), cheapest first (by `cheaperFirst`, default total vCPU); at equal cost fewer, larger replicas. */
export function candidateDeployments(
  fixed: FixedSizes,
  shape: CandidateShape,
  cheaperFirst: (a: Deployment, b: Deployment) => number = byVcpu,
): Deployment[] {
  const options = <T>(pinned: T | undefined, all: readonly T[]) => (pinned === undefined ? all : [pinned]);
  const out: Deployment[] = [];
  for (const coderdReplicas of options(fixed.coderdReplicas, CANDIDATE_SPACE.coderdReplicas))
    for (const coderdVcpu of options(fixed.coderdVcpu, CANDIDATE_SPACE.coderdVcpu))
      for (const dbVcpu of options(fixed.dbVcpu, CANDIDATE_SPACE.dbVcpu))
        out.push({
          coderdReplicas,
          coderdVcpu,
          coderdMemoryGb: gb(coderdVcpu * shape.coderdGbPerVcpu),
          dbVcpu,
          dbMemoryGb: gb(dbVcpu * shape.dbGbPerVcpu),
          provisioners: fixed.provisioners ?? shape.provisioners,
          provisionerVcpu: shape.provisionerVcpu,
          provisionerMemoryGb: shape.provisionerMemoryGb,
        });
  return out.sort((a, b) => cheaperFirst(a, b) || a.coderdReplicas - b.coderdReplicas || a.dbVcpu - b.dbVcpu);
}

/** Total vCPU first; Coder advises scaling coderd vertically, hence fewer replicas first at equal cost. */
function byVcpu(a: Deployment, b: Deployment): number {
  return totalVcpu(a) - totalVcpu(b) || a.coderdReplicas - b.coderdReplicas || a.dbVcpu - b.dbVcpu;
}

/** True when a deployment has the sizes the user pinned. */
export function fitsFixed(d: Deployment, fixed: FixedSizes): boolean {
  return (
    (fixed.coderdReplicas ?? d.coderdReplicas) === d.coderdReplicas &&
    (fixed.coderdVcpu ?? d.coderdVcpu) === d.coderdVcpu &&
    (fixed.dbVcpu ?? d.dbVcpu) === d.dbVcpu &&
    (fixed.provisioners ?? d.provisioners) === d.provisioners
  );
}

/** `bigger` has at least as much of every size: if it failed, `smaller` would fail too (more never hurts). */
export function dominates(bigger: Deployment, smaller: Deployment): boolean {
  return (
    smaller.coderdReplicas <= bigger.coderdReplicas &&
    smaller.coderdVcpu <= bigger.coderdVcpu &&
    smaller.dbVcpu <= bigger.dbVcpu &&
    smaller.provisioners <= bigger.provisioners
  );
}
