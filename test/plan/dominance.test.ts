import { describe, expect, it } from "vitest";
import type { Assessment, Check } from "../../src/plan/checks.js";
import type { Deployment } from "../../src/plan/deployment.js";
import { failsLike, failureOf } from "../../src/plan/dominance.js";

const at = (coderdReplicas: number, coderdVcpu: number, dbVcpu: number, provisioners = 10): Deployment => ({
  coderdReplicas,
  coderdVcpu,
  coderdMemoryGb: 4 * coderdVcpu,
  dbVcpu,
  dbMemoryGb: 4 * dbVcpu,
  provisioners,
  provisionerVcpu: 0.5,
  provisionerMemoryGb: 0.5,
});

const over = (kind: Check["kind"], name: string): Check => ({
  kind,
  name,
  op: "<=",
  threshold: 0.8,
  value: 0.9,
  ci: null,
  holds: false,
  clear: false,
  margin: -0.125,
});

const failing = (...checks: Check[]): Assessment => ({
  passes: false,
  clear: false,
  checks,
  failing: checks,
  tightest: checks[0],
});

describe("dominance on the failing resource", () => {
  const failed = at(3, 8, 4);

  it("a run over the cap on coderd CPU decides every deployment with no more coderd, whatever its database", () => {
    const f = failureOf(failed, failing(over("util", "coderd-1 cpu"), over("slo", "api_latency_p95_ms@all")));
    expect(failsLike(f, at(3, 8, 8))).toBe(true);
    expect(failsLike(f, at(2, 8, 32, 50))).toBe(true);
    // Fewer daemons could push builds' load out of the measured window: not decided.
    expect(failsLike(f, at(3, 8, 8, 5))).toBe(false);
    expect(failsLike(f, at(3, 4, 16))).toBe(true);
    expect(failsLike(f, at(4, 8, 4))).toBe(false);
    expect(failsLike(f, at(1, 16, 4))).toBe(false);
  });

  it("a run over the cap on database CPU decides every deployment with no more database, whatever its coderd", () => {
    const f = failureOf(failed, failing(over("util", "database cpu")));
    expect(failsLike(f, at(10, 32, 4))).toBe(true);
    expect(failsLike(f, at(1, 1, 2))).toBe(true);
    expect(failsLike(f, at(3, 8, 8))).toBe(false);
  });

  it("a run that failed only on a pool or a latency SLO decides only the deployments it dominates", () => {
    const f = failureOf(
      failed,
      failing(over("util", "coderd-0 db pool"), over("slo", "api_latency_p95_ms@all")),
    );
    expect(failsLike(f, at(3, 8, 4, 5))).toBe(true);
    expect(failsLike(f, at(2, 4, 2))).toBe(true);
    expect(failsLike(f, at(3, 8, 8))).toBe(false);
    expect(failsLike(f, at(4, 4, 4))).toBe(false);
  });
});
