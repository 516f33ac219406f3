import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { guidanceSchema } from "../../src/plan/guidanceSchema.js";
import { GUIDANCE_FILE } from "../../src/plan/loadGuidance.js";
import { referenceArchitectures } from "../../src/plan/referenceArchitectures.js";
import { loadScenario } from "../../src/scenario/index.js";
import { parseYamlWithSchema } from "../../src/scenario/yamlDocument.js";

describe("Coder's sizing guidance as data (models/guidance/coder-sizing.yaml)", () => {
  it("each reference scenario runs the deployment its tier publishes", () => {
    for (const tier of referenceArchitectures()) {
      const { scenario } = loadScenario(`scenarios/reference/${tier.name}.yaml`);
      const d = scenario.deployment;
      expect(d.coderd.replicas, tier.name).toBe(tier.coderd.replicas);
      expect(d.coderd.vcpu, tier.name).toBe(tier.coderd.vcpu);
      expect(d.provisioners.count, tier.name).toBe(tier.provisioner.replicas);
      expect(d.database.vcpu, tier.name).toBe(tier.database.vcpu);
      expect(scenario.workload.users, tier.name).toBe(tier.users);
      expect(scenario.workload.workspaces, tier.name).toBe(tier.running_workspaces);
    }
  });

  it("a malformed guidance file is refused with its position", () => {
    const text = readFileSync(GUIDANCE_FILE, "utf8").replace("users: 2000", "users: -2000");
    let error: unknown;
    try {
      parseYamlWithSchema(text, "guidance.yaml", guidanceSchema);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toMatch(
      /^guidance\.yaml:\d+:\d+: reference_architectures\.tiers\.1\.users: Too small/m,
    );
  });
});
