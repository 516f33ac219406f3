import { distributionFromSpec } from "../../engine/random/index.js";
import type { ModelFile } from "../modelSchema.js";
import type { RequestClass } from "../requestPipeline.js";
import type { ModelComponent } from "./component.js";
import type { ModelContext } from "./context.js";
import type { ControlPlane } from "./controlPlane.js";

type ReplicaSync = NonNullable<ModelFile["replica_sync"]>;

/** Enterprise coderd is sure to run (replicasync with it): more than one replica, or the PG coordinator. */
export function replicaSyncOn(ctx: ModelContext): boolean {
  return (
    ctx.model.replica_sync !== undefined && (ctx.pgCoordinator || ctx.scenario.deployment.coderd.replicas > 1)
  );
}

/**
 * enterprise/replicasync: every live replica, every interval from a random phase, reads the live replicas
 * (GetReplicasUpdatedAfter), pings the database and updates its own row (UpdateReplica): three autocommit
 * statements, three commits. Its coderd CPU (a goroutine and a probe per peer) is left in the fitted costs.
 */
export class ReplicaSyncComponent implements ModelComponent {
  /** Syncs started (figure `replica_syncs`). */
  syncs = 0;

  constructor(ctx: ModelContext, plane: ControlPlane, s: ReplicaSync) {
    const classId = plane.pipeline.define(replicaSyncClass(ctx.model, s));
    const counted = () => {
      this.syncs++;
    };
    plane.everyReplica(classId, s.interval_s.value, ctx.stream("replica-sync"), () => 1, counted);
  }

  figures(): Record<string, number> {
    return { replica_syncs: this.syncs };
  }
}

/** GetReplicasUpdatedAfter (a read), Ping (an empty query), UpdateReplica (a logged write): one commit each. */
function replicaSyncClass(model: ModelFile, s: ReplicaSync): RequestClass {
  const d = (p: { value: unknown }) => distributionFromSpec(p.value as never);
  const ping = distributionFromSpec({ dist: "deterministic", value: s.ping_cpu_s.value } as never);
  const query = { kind: "query", statements: 1, notify: false } as const;
  return {
    name: "replica_sync",
    steps: [
      { ...query, work: d(model.database.read_query_cpu_s), logged: false },
      { ...query, work: ping, logged: false },
      { ...query, work: d(model.database.write_query_cpu_s), logged: true },
    ],
    http: false,
    agentApi: false,
  };
}
