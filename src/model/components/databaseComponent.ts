import type { Simulation } from "../../engine/simulation.js";
import type { Database } from "../database.js";
import { databaseFamilies } from "../metrics/coderMetrics.js";
import type { ModelComponent } from "./component.js";

/** PostgreSQL: its CPU and the NOTIFY commit lock. */
export function databaseComponent(sim: Simulation, database: Database): ModelComponent {
  return {
    installMetrics: (registry) => databaseFamilies(registry, sim, database),
    resources: () => [
      { section: "compute", kind: "cpu", resource: database.cpu },
      { section: "connections", kind: "lock", resource: database.notifyLock },
    ],
  };
}
