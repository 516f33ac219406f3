// The benchmarks `npm run bench` runs, in order. To add one, write a module under bench/benchmarks/
// exporting `description` and `run(params)` → { figures: [{ name, value, unit, target?: {min}|{max} }] }
// and list it here; each entry runs in its own node process, so its peak RSS is its own.
// The M/M/4 kernel benchmark's size: about as many events as one 2000-user replication (14.2 M), long
// enough to run warm (at 10^6 customers it read ~18 % below its steady rate; see modelVsKernel.js).
const KERNEL_CUSTOMERS = 7_000_000;

export const BENCHMARKS = [
  {
    id: "mm4-kernel",
    module: "./benchmarks/mm4Kernel.js",
    params: { customers: KERNEL_CUSTOMERS },
  },
  {
    id: "hold-1e5",
    module: "./benchmarks/holdModel.js",
    params: { pending: 100_000, holds: 2_000_000, minEventsPerSecond: 4e6 },
  },
  {
    id: "hold-1e5-reference",
    module: "./benchmarks/referenceHold.js",
    params: { pending: 100_000, holds: 2_000_000 },
  },
  {
    id: "hold-memory",
    module: "./benchmarks/holdMemory.js",
    params: { pending: 100_000, shortHolds: 1_000_000, longHolds: 10_000_000 },
  },
  {
    id: "mm4-fcfs-queue",
    module: "./benchmarks/mm4Resources.js",
    params: { customers: 1_000_000, discipline: "fcfs" },
  },
  {
    id: "mm4-ps-cpu",
    module: "./benchmarks/mm4Resources.js",
    params: { customers: 1_000_000, discipline: "ps" },
  },
  {
    id: "scaletest-2000",
    module: "./benchmarks/scenarioRun.js",
    params: { scenario: "scaletest-2000", maxWallSeconds: 5, maxRssMiB: 300 },
  },
  {
    id: "reference-10k",
    module: "./benchmarks/scenarioRun.js",
    params: { scenario: "reference/10k", maxWallSeconds: 25, maxRssMiB: 300 },
  },
  {
    id: "model-vs-kernel",
    module: "./benchmarks/modelVsKernel.js",
    params: { customers: KERNEL_CUSTOMERS, minPercent: 40 },
  },
  {
    id: "sensitivity-2000",
    module: "./benchmarks/sensitivity.js",
    // Issue 15: under 5 minutes on 2 cores. Minutes (48 one-replication runs): one run is enough.
    params: { scenario: "scaletest-2000", maxWallSeconds: 300 },
    maxRuns: 1,
  },
  {
    id: "plan-vs-run-3000",
    module: "./benchmarks/planVsRun.js",
    params: { scenario: "scaletest-2000", users: 3000, maxRatio: 2, sequential: true },
    maxRuns: 1,
  },
  {
    id: "plan-vs-run-10000",
    module: "./benchmarks/planVsRun.js",
    // At 10k on a Coder version that can hold it: reference/10k (v2.30 mechanisms, 0.6 workspaces a
    // user), with the provisioner size Coder's sizing rules use (0.5 vCPU / 0.5 GB): with the scenario's
    // 1 vCPU daemons every candidate costs more than the rules' deployment (600 daemons dominate the
    // price), so plan stops after the rules run and its search is never exercised. The run is on the
    // deployment plan recommends. Slow (minutes to tens of minutes on 2 cores): `--skip
    // plan-vs-run-10000` leaves it out.
    params: {
      scenario: "reference/10k",
      sets: ["deployment.provisioners.vcpu=0.5", "deployment.provisioners.memory_gb=0.5"],
      users: 10000,
      maxRatio: 3,
      sequential: false,
      runOn: "recommended",
    },
    maxRuns: 1,
  },
];
