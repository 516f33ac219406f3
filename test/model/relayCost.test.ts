import { describe, expect, it } from "vitest";
import { relayVcpu } from "../../src/model/coderdCluster.js";
import { modelWith } from "./featureHelpers.js";

const MIB = 1024 * 1024;

describe("relay CPU: a cost per message plus a cost per byte", () => {
  it("charges messages and bytes separately, so the same bytes in fewer messages cost less", () => {
    const c = modelWith({
      "coderd.relay_cpu_s_per_mib": 0.01,
      "coderd.relay_cpu_s_per_message": 0.0001,
    }).coderd;
    // 1000 messages of 1 KiB per second vs the same bytes in 250 messages of 4 KiB.
    const small = relayVcpu(c, 1000 * 1024, 1000);
    const large = relayVcpu(c, 1000 * 1024, 250);
    expect(small).toBeCloseTo(((1000 * 1024) / MIB) * 0.01 + 1000 * 0.0001, 12);
    expect(large).toBeCloseTo(((1000 * 1024) / MIB) * 0.01 + 250 * 0.0001, 12);
    expect(small - large).toBeCloseTo(750 * 0.0001, 12);
  });

  it("without a per-message cost the relay is charged per MiB only, as models written before it", () => {
    const c = structuredClone(modelWith({ "coderd.relay_cpu_s_per_mib": 0.3 }).coderd);
    delete (c as { relay_cpu_s_per_message?: unknown }).relay_cpu_s_per_message;
    expect(relayVcpu(c, 2 * MIB, 5000)).toBe(0.6);
  });
});
