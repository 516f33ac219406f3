import type { ReplicationResult } from "../../model/coderModel.js";
import { type FamilySpec, familyOfSeries } from "../../model/metrics/catalog.js";
import type { Series } from "../../series/types.js";

/** One metric family of a replication: its catalog entry and its series (a histogram's buckets, sum, count). */
export interface Family {
  spec: FamilySpec;
  series: Series[];
}

/**
 * The simulated series grouped into their metric families, exactly as the model's catalog names them
 * (nothing renamed), in the order their first series appears.
 */
export function metricFamilies(rep: ReplicationResult): Family[] {
  const families = new Map<FamilySpec, Series[]>();
  for (const s of rep.metrics.series) {
    const name = s.labels.__name__ ?? "";
    const spec = familyOfSeries(name);
    if (!spec) throw new Error(`series ${name} has no family in the catalog`);
    const list = families.get(spec) ?? [];
    list.push(s);
    families.set(spec, list);
  }
  return [...families].map(([spec, series]) => ({ spec, series }));
}
