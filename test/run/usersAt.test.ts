import { describe, expect, it } from "vitest";
import { usersAt, usersCi95 } from "../../src/run/usersAt.js";

describe("users at 80 % and 100 %, and their 95 % CI over replications", () => {
  it("maps the utilisation's Student t CI through users·level/u, the low users from the high utilisation", () => {
    // 0.40, 0.42, 0.44: mean 0.42, sd 0.02, t(0.975, 2) = 4.302653, half-width 0.0496828,
    // so u in [0.3703172, 0.4696828]; 800/0.4696828 = 1703.28, 800/0.3703172 = 2160.31,
    // 1000/0.4696828 = 2129.10, 1000/0.3703172 = 2700.39.
    const ci = usersCi95(1000, [0.4, 0.42, 0.44], "coderd-0 cpu");
    expect(ci).toEqual({
      users_at_80pct_ci95: [1703, 2160],
      users_at_100pct_ci95: [2129, 2700],
      users_ci95_note: null,
    });
    expect(usersAt(1000, 0.42, 0.8)).toBe(1905);
  });

  it("is null with one replication, and says so", () => {
    const ci = usersCi95(1000, [0.42], "coderd-0 cpu");
    expect(ci.users_at_80pct_ci95).toBeNull();
    expect(ci.users_at_100pct_ci95).toBeNull();
    expect(ci.users_ci95_note).toBe("one replication: no interval over replications");
  });

  it("is null when the utilisation's interval reaches 0: no upper bound in users", () => {
    // mean 0.0133, sd 0.0058: the half-width 0.0143 reaches below 0.
    const ci = usersCi95(1000, [0.01, 0.01, 0.02], "database cpu");
    expect(ci.users_at_80pct_ci95).toBeNull();
    expect(ci.users_ci95_note).toMatch(
      /^the 95 % CI of database cpu's utilisation reaches 0\.0 %: .*no upper bound/,
    );
  });
});
