import { describe, expect, it } from "vitest";
import { metric, modelWith, summarize } from "./featureHelpers.js";

// Build figures cover whole builds: how long prepare was planned for must not cut them.

/** `workspaces` builds on `provisioners` daemons, prepare planned at `prepareSeconds`, then SSH traffic. */
const builds = (o: {
  workspaces: number;
  provisioners: number;
  prepareSeconds: number;
  createConcurrency: number;
  cleanupSeconds?: number;
}) => `
name: builds
model: coder-v2.8
deployment:
  coder_version: "2.8"
  coderd: {replicas: 1, vcpu: 4, memory_gb: 16}
  provisioners: {count: ${o.provisioners}, vcpu: 0.5, memory_gb: 0.5}
  database: {vcpu: 4, memory_gb: 16}
workload:
  users: ${o.workspaces}
  builds: {create_concurrency: ${o.createConcurrency}, cleanup_concurrency: 0}
stages:
  - {name: prepare, start_s: 0, duration_s: ${o.prepareSeconds}}
  - {name: ssh, start_s: ${o.prepareSeconds}, duration_s: 300, target_pct: 10}
${o.cleanupSeconds ? `  - {name: cleanup, start_s: ${o.prepareSeconds + 300}, duration_s: ${o.cleanupSeconds}}` : ""}
replications: 1
`;

const prepareFigure = (out: ReturnType<typeof summarize>, name: string) => {
  const m = out.summary.metrics.find((x) => x.name === name && x.stage === "prepare");
  if (!m) throw new Error(`no ${name} for prepare`);
  return m.mean;
};

describe("build figures over whole builds", () => {
  it("200 workspaces on 4 provisioners: the same waits, readiness and makespan whether prepare is planned at 600 s or 3500 s", () => {
    const short = summarize(
      builds({ workspaces: 200, provisioners: 4, prepareSeconds: 600, createConcurrency: 50 }),
    );
    const long = summarize(
      builds({ workspaces: 200, provisioners: 4, prepareSeconds: 3500, createConcurrency: 50 }),
    );
    // The short plan overran (builds take about 200/4 x 45 s), the long one did not.
    expect(short.first.timeline.prepareOverrunSeconds).toBeGreaterThan(1000);
    expect(long.first.timeline.prepareOverrunSeconds).toBe(0);
    for (const name of [
      "provisioner_queue_wait_p95_s",
      "workspace_ready_p95_s",
      "workspace_build_makespan_s",
    ]) {
      expect(prepareFigure(short, name), name).toBe(prepareFigure(long, name));
      expect(prepareFigure(short, name), name).toBeGreaterThan(0);
    }
    // The builds ran well past 600 s: the makespan says so.
    expect(prepareFigure(short, "workspace_build_makespan_s")).toBeGreaterThan(1500);
  });

  it("100 workspaces at once, fixed 240 s builds, 10 provisioners: makespan about ceil(100/10) x 240 s", () => {
    const model = modelWith({ "provisioner.build_duration_s": 240, "provisioner.delete_duration_s": 60 });
    const out = summarize(
      builds({
        workspaces: 100,
        provisioners: 10,
        prepareSeconds: 600,
        createConcurrency: 0,
        cleanupSeconds: 900,
      }),
      model,
    );
    const makespan = prepareFigure(out, "workspace_build_makespan_s")!;
    expect(Math.abs(makespan - 2400) / 2400).toBeLessThan(0.1);
    // The last ten jobs waited nine builds: the p95 wait is about 9 x 240 s.
    expect(metric(out, "provisioner_queue_wait_p95_s")).toBeGreaterThan(9 * 240 * 0.98); // 1 %-accurate sketch
    expect(metric(out, "provisioner_queue_wait_p95_s")).toBeLessThan(9 * 240 + 5);
    // Cleanup: 100 deletes of 60 s on 10 daemons, about 600 s.
    const cleanup = out.summary.metrics.find(
      (m) => m.name === "workspace_build_makespan_s" && m.stage === "cleanup",
    );
    expect(Math.abs(cleanup!.mean! - 600) / 600).toBeLessThan(0.1);
  });

  it("a cleanup cut off before its deletes finish has no makespan", () => {
    const model = modelWith({ "provisioner.build_duration_s": 240, "provisioner.delete_duration_s": 60 });
    const out = summarize(
      builds({
        workspaces: 100,
        provisioners: 10,
        prepareSeconds: 600,
        createConcurrency: 0,
        cleanupSeconds: 200,
      }),
      model,
    );
    const cleanup = out.summary.metrics.find(
      (m) => m.name === "workspace_build_makespan_s" && m.stage === "cleanup",
    );
    expect(cleanup?.mean).toBeNull();
  });
});
