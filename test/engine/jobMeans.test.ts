import { describe, expect, it } from "vitest";
import { JobMeans } from "../../src/engine/resources/jobMeans.js";
import { Mean } from "../../src/engine/stats/mean.js";

describe("JobMeans", () => {
  it("gives each mean bit for bit as a Mean of the same values, under one count", () => {
    const means = new JobMeans();
    const tallies = [new Mean(), new Mean(), new Mean()];
    let x = 0.1;
    for (let i = 0; i < 1000; i++) {
      x = (x * 7.3 + 0.37) % 3.1;
      const [response, wait, service] = [x, x / 3, x * 1.7e-3];
      means.add(response, wait, service);
      tallies[0]!.add(response);
      tallies[1]!.add(wait);
      tallies[2]!.add(service);
    }
    expect(means.count).toBe(1000);
    expect([means.response, means.wait, means.service]).toEqual(tallies.map((t) => t.mean));
  });

  it("is NaN when empty, also after a reset", () => {
    const means = new JobMeans();
    means.add(1, 2, 3);
    means.reset();
    expect([means.count, means.response, means.wait, means.service]).toEqual([0, NaN, NaN, NaN]);
  });
});
