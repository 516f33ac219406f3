import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mvaExact } from "../../src/analytic/mva.js";
import { InputError } from "../../src/errors.js";
import { asymptoticBounds, parseSweepCsv, readSweep, throughputBound } from "../../src/report/html/index.js";
import { chooseAxes, chooseThroughput } from "../../src/report/html/sweep/sweepAxes.js";
import { mvaSweepCsv, SWEEP_META, SWEEP_THINK_SECONDS, SWEEP_USERS, sweepStations } from "./fixtures.js";
import { SWEEP_FIXTURE } from "./runFixture.js";

// CAPSIM_WRITE_FIXTURES=1 rewrites the committed sweep fixture from the generator.
if (process.env.CAPSIM_WRITE_FIXTURES === "1") {
  writeFileSync(SWEEP_FIXTURE, mvaSweepCsv());
  writeFileSync(`${SWEEP_FIXTURE}.meta.json`, `${JSON.stringify(SWEEP_META, null, 2)}\n`);
}

const table = parseSweepCsv(mvaSweepCsv(), "sweep.csv");

describe("the committed sweep fixture", () => {
  it("is what the MVA generator produces (regenerate with CAPSIM_WRITE_FIXTURES=1)", () => {
    expect(readFileSync(SWEEP_FIXTURE, "utf8")).toBe(mvaSweepCsv());
    expect(JSON.parse(readFileSync(`${SWEEP_FIXTURE}.meta.json`, "utf8"))).toEqual(SWEEP_META);
    expect(readSweep(SWEEP_FIXTURE).meta).toEqual(SWEEP_META);
  });
});

describe("parseSweepCsv", () => {
  it("groups the columns by role", () => {
    expect(table.params).toEqual(["workload.users", "deployment.database.vcpu"]);
    expect(table.figures).toEqual([
      "api_rps_median@dashboard",
      "api_latency_p95_ms@all",
      "db_cpu_utilization_median@all",
    ]);
    expect(table.resources).toEqual(["coderd-0 cpu", "database cpu", "database notify lock"]);
    expect(table.points).toHaveLength(2 * SWEEP_USERS.length + 1);
    const failed = table.points.at(-1)!;
    expect(failed.status).toBe("error");
    expect(failed.figures.get("api_rps_median@dashboard")).toEqual({ mean: null, lo: null, hi: null });
    expect(table.points[3]!.line).toBe(5);
  });

  it("reports a bad number with its line and column name", () => {
    const bad = mvaSweepCsv().replace(/\n3,1000,2,[^,]+,/, "\n3,1000,2,fast,");
    try {
      parseSweepCsv(bad, "bad.csv");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe(
        'bad.csv:5: api_rps_median@dashboard:mean: expected a number, got "fast"',
      );
    }
  });

  it("refuses a CSV that is not a sweep", () => {
    expect(() => parseSweepCsv("time_s,stage\n0,\n", "ts.csv")).toThrow(
      'ts.csv:1: not a sweep CSV: no "point" column',
    );
    expect(() => parseSweepCsv("point,x\n0,1\n", "p.csv")).toThrow(/no "param:<path>" column/);
  });
});

describe("axes", () => {
  it("puts the first varied parameter on x and draws one line per value of the second", () => {
    const axes = chooseAxes(table);
    expect(axes.x).toBe("workload.users");
    expect(axes.numericX && axes.xIsPopulation).toBe(true);
    expect(axes.groups.map((g) => g.label)).toEqual([
      "deployment.database.vcpu=2",
      "deployment.database.vcpu=4",
    ]);
    expect(axes.groups[0]!.points.map((p) => Number(p.params.get("workload.users")))).toEqual([
      ...SWEEP_USERS,
      5000,
    ]);
    const flipped = chooseAxes(table, "deployment.database.vcpu");
    expect(flipped.xIsPopulation).toBe(false);
    expect(flipped.groups).toHaveLength(SWEEP_USERS.length + 1);
    expect(() => chooseAxes(table, "workload.nope")).toThrow(
      /--x: "workload.nope" is not a varied parameter/,
    );
  });

  it("draws bounds on API RPS unless told otherwise", () => {
    expect(chooseThroughput(table)).toBe("api_rps_median@dashboard");
    expect(chooseThroughput(table, "db_cpu_utilization_median@all")).toBe("db_cpu_utilization_median@all");
    expect(() => chooseThroughput(table, "rps")).toThrow(/--throughput: "rps" is not a figure/);
  });
});

describe("asymptotic bounds from the sweep's own columns", () => {
  const boundsFor = (vcpu: number) => {
    const axes = chooseAxes(table);
    const group = axes.groups.find((g) => g.label === `deployment.database.vcpu=${vcpu}`)!;
    return asymptoticBounds(
      group.points
        .filter((p) => p.status === "ok")
        .map((p) => ({
          population: Number(p.params.get("workload.users")),
          throughputPerSecond: p.figures.get("api_rps_median@dashboard")!.mean!,
          utilization: p.utilization,
        })),
    )!;
  };

  it.each([2, 4])("recover the demands of the network that made the points (database vCPU %i)", (vcpu) => {
    const stations = sweepStations(vcpu);
    const perServer = stations.map((s) => s.demandSeconds / (s.kind === "queueing" ? (s.servers ?? 1) : 1));
    const dMax = Math.max(...perServer);
    const totalDemand = stations.reduce((n, s) => n + s.demandSeconds, 0);
    const b = boundsFor(vcpu);
    // At N = 1 nothing queues, so N/X = D + Z exactly (to the CSV's 6 digits).
    expect(b.cycleSeconds).toBeCloseTo(totalDemand + SWEEP_THINK_SECONDS, 3);
    expect(b.maxThroughputPerSecond).toBeCloseTo(1 / dMax, 1);
    expect(b.bottleneck).toBe(stations[perServer.indexOf(dMax)]!.name);
    expect(b.kneePopulation).toBeCloseTo((totalDemand + SWEEP_THINK_SECONDS) / dMax, -1);
    for (const d of b.demands) {
      const k = stations.findIndex((s) => s.name === d.resource);
      expect(d.perServerDemandSeconds / perServer[k]!).toBeCloseTo(1, 4);
    }
  });

  it("bound every point of an exact solution from above", () => {
    for (const vcpu of [2, 4]) {
      const b = boundsFor(vcpu);
      const exact = mvaExact(sweepStations(vcpu), 6000, SWEEP_THINK_SECONDS);
      for (const s of exact)
        expect(s.throughputPerSecond).toBeLessThanOrEqual(throughputBound(b, s.population) * (1 + 1e-5));
    }
  });

  it("need two points with throughput", () => {
    expect(
      asymptoticBounds([{ population: 10, throughputPerSecond: 1, utilization: new Map([["cpu", 0.1]]) }]),
    ).toBeUndefined();
    expect(
      asymptoticBounds([
        { population: 10, throughputPerSecond: 0, utilization: new Map([["cpu", 0.1]]) },
        { population: 20, throughputPerSecond: 2, utilization: new Map([["cpu", null]]) },
      ]),
    ).toBeUndefined();
  });
});
