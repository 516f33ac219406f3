import { describe, expect, it } from "vitest";
import { distributionFromSpec, RandomStreams } from "../../src/engine/random/index.js";
import { Simulation } from "../../src/engine/simulation.js";
import type { NodePoolSpec } from "../../src/model/features.js";
import { NodePool } from "../../src/model/nodePool.js";

/** 8-vCPU / 32-GB nodes, the seed's 1 vCPU / 2 GB pods, nodes ready 60 s after the decision. */
function spec(
  overrides: Partial<NodePoolSpec["autoscaler"]> = {},
  pool: Partial<NodePoolSpec> = {},
): NodePoolSpec {
  return {
    nodeVcpu: 8,
    nodeMemoryGb: 32,
    maxPods: 256,
    initialNodes: 1,
    placement: "spread",
    pod: {
      cpuRequestVcpu: 1,
      memoryRequestGb: 2,
      idleVcpu: 0.1,
      idleMemoryGb: 0.25,
      burstVcpu: 2,
      burstIntervalSeconds: 1200,
      burstDurationSeconds: 120,
    },
    autoscaler: {
      enabled: true,
      minNodes: 1,
      maxNodes: 100,
      scaleOn: "requests",
      threshold: 0.8,
      workspacesPerNode: 8,
      nodeStartup: distributionFromSpec(60),
      scaleDownIdleSeconds: 600,
      scanIntervalSeconds: 10,
      ...overrides,
    },
    ...pool,
  };
}

/** Places `pods` pods at t = 0 and returns the pool and when each pod got a node. */
function burst(s: NodePoolSpec, pods: number) {
  const sim = new Simulation();
  const pool = new NodePool(sim, s, new RandomStreams(1).stream("nodes"), pods);
  const boundAt = new Float64Array(pods).fill(Number.NaN);
  for (let w = 0; w < pods; w++) pool.place(w, () => (boundAt[w] = sim.now));
  return { sim, pool, boundAt };
}

describe("workspace node pool and cluster autoscaler", () => {
  it("adds exactly ceil(demand / (threshold x node)) - 1 nodes for a burst of 100 pods", () => {
    // 100 vCPU requested; 80 % of 8 vCPU = 6.4 per node -> 16 nodes; one exists, so 15 are added.
    const { sim, pool, boundAt } = burst(spec(), 100);
    expect(pool.pendingPods).toBe(92); // 8 fit on the first node at once
    sim.run(10);
    expect(pool.nodesAdded).toBe(15);
    expect(pool.liveNodeCount).toBe(16);
    sim.run(69.9);
    expect(pool.pendingPods).toBe(92); // nodes still starting
    sim.run(200);
    expect(pool.pendingPods).toBe(0);
    expect(pool.nodesAdded).toBe(15); // later scans add nothing: demand is covered
    // The first 8 waited 0 s; the rest waited for the scan at 10 s plus the 60 s start-up.
    expect(Array.from(boundAt).filter((t) => t === 0)).toHaveLength(8);
    expect(Array.from(boundAt).filter((t) => t === 70)).toHaveLength(92);
    expect(pool.nodeWait.exactQuantile(0.95)).toBeCloseTo(70, 0);
  });

  it("adds only what pending pods need at a 100 % threshold: 12 nodes of 8 pods for 92 pending", () => {
    const { sim, pool } = burst(spec({ threshold: 1 }), 100);
    sim.run(200);
    expect(pool.nodesAdded).toBe(12);
    expect(pool.pendingPods).toBe(0);
  });

  it("keeps the workspace-count target: 100 workspaces at 5 per node is 20 nodes", () => {
    const { sim, pool } = burst(spec({ scaleOn: "workspaces", workspacesPerNode: 5 }), 100);
    sim.run(200);
    expect(pool.nodesAdded).toBe(19);
    expect(pool.readyNodes).toBe(20);
  });

  it("never passes max_nodes, and the pods that do not fit keep waiting", () => {
    const { sim, pool } = burst(spec({ maxNodes: 5 }), 100);
    sim.run(500);
    expect(pool.liveNodeCount).toBe(5);
    expect(pool.pendingPods).toBe(100 - 5 * 8);
  });

  it("spreads pods over ready nodes by default and packs them with placement: pack", () => {
    const two = (placement: "spread" | "pack") => {
      const sim = new Simulation();
      const pool = new NodePool(
        sim,
        spec({ enabled: false }, { initialNodes: 2, placement }),
        new RandomStreams(1).stream("n"),
        4,
      );
      for (let w = 0; w < 4; w++) pool.place(w, () => {});
      pool.release(3);
      return pool;
    };
    // Spread: 2 + 2, then one leaves; pack: 4 on the first node. Requested CPU share is the same.
    expect(two("spread").cpuRequestedShare).toBeCloseTo(3 / 16, 12);
    expect(two("pack").cpuRequestedShare).toBeCloseTo(3 / 16, 12);
    expect(two("spread").runningPods).toBe(3);
  });

  it("removes empty nodes after the idle period, down to min_nodes", () => {
    const { sim, pool } = burst(spec({ minNodes: 2 }), 100);
    sim.run(200);
    // The 15 nodes came up together at 70 s and were filled in turn: 92 pods fill 11.5 of them, so three
    // stayed empty from 70 s (kept while demand needed 16 nodes).
    expect(pool.runningPods).toBe(100);
    for (let w = 0; w < 100; w++) pool.release(w);
    sim.run(675);
    expect(pool.nodesRemoved).toBe(3); // empty since 70 s, demand gone at 200 s
    sim.run(200 + 590);
    expect(pool.nodesRemoved).toBe(3); // the others have been empty for under 600 s
    sim.run(200 + 620);
    expect(pool.nodesRemoved).toBe(14);
    expect(pool.liveNodeCount).toBe(2);
  });

  it("charges node-hours for starting and ready nodes", () => {
    const { sim, pool } = burst(spec(), 100);
    sim.run(3610);
    // 1 node for 3610 s plus 15 nodes from t = 10 s.
    expect(pool.nodeHours).toBeCloseTo((3610 + 15 * 3600) / 3600, 9);
  });

  it("counts bursting workspaces' CPU as used while their user is connected", () => {
    const sim = new Simulation();
    const s = spec(
      { enabled: false },
      { pod: { ...spec().pod, burstIntervalSeconds: 1e-9, burstDurationSeconds: 1e9 } },
    );
    const pool = new NodePool(sim, s, new RandomStreams(1).stream("n"), 2);
    pool.place(0, () => {});
    pool.place(1, () => {});
    expect(pool.cpuUsedShare).toBeCloseTo(0.2 / 8, 12);
    pool.setInUse(0, 1);
    sim.run(1);
    expect(pool.cpuUsedShare).toBeCloseTo((2 + 0.1) / 8, 12);
    pool.setInUse(0, -1);
    expect(pool.cpuUsedShare).toBeCloseTo(0.2 / 8, 12);
  });
});
