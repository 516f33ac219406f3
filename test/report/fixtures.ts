import { stringify } from "csv-stringify/sync";
import { type MvaStation, mvaExact } from "../../src/analytic/mva.js";

/** Think time of the synthetic sweep: a dashboard user's action interval. */
export const SWEEP_THINK_SECONDS = 10;
export const SWEEP_USERS = [1, 250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500] as const;
export const SWEEP_DB_VCPU = [2, 4] as const;

/** Known demands per request (seconds at one server), so a test can check what the report recovers. */
export function sweepStations(dbVcpu: number): MvaStation[] {
  return [
    { kind: "queueing", name: "coderd-0 cpu", demandSeconds: 0.01, servers: 4 },
    { kind: "queueing", name: "database cpu", demandSeconds: 0.006, servers: dbVcpu },
    { kind: "queueing", name: "database notify lock", demandSeconds: 0.0012, servers: 1 },
  ];
}

const r6 = (v: number): number => Number(v.toPrecision(6));

/**
 * A sweep CSV in `capsim sweep`'s column layout whose points are exact MVA solutions of a closed
 * network (users thinking SWEEP_THINK_SECONDS between API requests), with a ±1 % confidence band. The
 * p95 column is the exponential-response approximation p95 = −ln(0.05)·R. One point is a failed run.
 */
export function mvaSweepCsv(): string {
  const resources = sweepStations(2).map((s) => s.name!);
  const header = [
    "point",
    "param:workload.users",
    "param:deployment.database.vcpu",
    ...["api_rps_median@dashboard", "api_latency_p95_ms@all", "db_cpu_utilization_median@all"].flatMap(
      (m) => [`${m}:mean`, `${m}:ci95_lo`, `${m}:ci95_hi`],
    ),
    ...resources.map((r) => `util:${r}`),
    "bottleneck",
    "bottleneck_utilization",
    "status",
    "error",
  ];
  const rows: (string | number)[][] = [];
  for (const vcpu of SWEEP_DB_VCPU) {
    const solution = mvaExact(sweepStations(vcpu), SWEEP_USERS.at(-1)!, SWEEP_THINK_SECONDS);
    for (const users of SWEEP_USERS) {
      const s = solution[users - 1]!;
      const util = s.stations.map((st) => st.utilisation);
      const top = util.indexOf(Math.max(...util));
      const figure = (v: number) => [r6(v), r6(v * 0.99), r6(v * 1.01)];
      rows.push([
        rows.length,
        users,
        vcpu,
        ...figure(s.throughputPerSecond),
        ...figure(-Math.log(0.05) * s.responseSeconds * 1000),
        ...figure(util[1]!),
        ...util.map(r6),
        resources[top]!,
        r6(util[top]!),
        "ok",
        "",
      ]);
    }
  }
  rows.push([
    rows.length,
    5000,
    2,
    ...Array.from({ length: 9 }, () => ""),
    ...resources.map(() => ""),
    "",
    "",
    "error",
    "replication 2: simulated time limit reached before the cleanup stage ended",
  ]);
  return stringify([header, ...rows]);
}

/** The sidecar, in `capsim sweep`'s layout (the parts the report reads). */
export const SWEEP_META = {
  format: "capsim-sweep/1",
  scenario: { name: "mva-closed-network", file: "test/report/fixtures.ts" },
  replications: 3,
  grid: {
    axes: [
      { path: "workload.users", values: [...SWEEP_USERS, 5000] },
      { path: "deployment.database.vcpu", values: [...SWEEP_DB_VCPU] },
    ],
    points: 2 * SWEEP_USERS.length + 1,
  },
};
