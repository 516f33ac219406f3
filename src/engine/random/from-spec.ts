import { deterministic } from "./distributions.js";
import { kindOf } from "./registry.js";
import type { Distribution, DistributionSpec } from "./types.js";

/** Builds the distribution a canonical spec describes; a plain number is a deterministic value. */
export function distributionFromSpec(spec: DistributionSpec | number): Distribution {
  if (typeof spec === "number") return deterministic(spec);
  return kindOf(spec.dist).build(spec);
}
