import { describe, expect, it } from "vitest";
import { ProcessorSharingCpu } from "../../src/engine/resources/processorSharingCpu.js";
import { Simulation } from "../../src/engine/simulation.js";

describe("fluid load rounding (issue 16, case 1)", () => {
  it("rates added and removed as floats leave a tiny negative sum, which counts as zero", () => {
    // Relayed-byte rates of connections (2048 B per 0.3 s tick and the like), not exact in binary:
    // opened in one order and closed in another, they sum to a little below zero.
    const rates = [47786.66666666667, 23893.333333333336, 11702.857142857143, 0.1, 3333.3333333];
    let bytesPerSecond = 0;
    for (const r of rates) bytesPerSecond += r;
    for (const r of [...rates].reverse()) bytesPerSecond -= r;
    expect(bytesPerSecond).toBeLessThan(0);
    // As coderd's relay CPU (0.3 CPU-s per MiB), the drift the model used to hand over.
    const vcpu = (bytesPerSecond / 2 ** 20) * 0.3;

    const sim = new Simulation();
    const cpu = new ProcessorSharingCpu(sim, { name: "cpu", cores: 4 });
    cpu.setBackgroundLoad(vcpu);
    expect(cpu.backgroundVcpu).toBe(0);
    cpu.setBackgroundLoad(-5.2e-19);
    expect(cpu.backgroundVcpu).toBe(0);
    expect(cpu.backgroundUnmetVcpu).toBe(0);
  });

  it("a real negative load is still an error", () => {
    const cpu = new ProcessorSharingCpu(new Simulation(), { name: "cpu", cores: 4 });
    expect(() => cpu.setBackgroundLoad(-1e-6)).toThrow(/background load must be >= 0 vCPU/);
    expect(() => cpu.setBackgroundLoad(Number.NaN)).toThrow(/background load must be >= 0 vCPU/);
  });
});
