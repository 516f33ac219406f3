import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/verify.js";
import { InputError } from "../../src/errors.js";
import { defaultBattery, queueCase } from "../../src/verify/cases.js";
import { formatVerifyReport } from "../../src/verify/format.js";
import { runVerify, type VerifyReport } from "../../src/verify/runVerify.js";

/** Runs `capsim verify <args>` in-process and returns what it printed to stdout. */
async function verifyCli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(["verify", ...args], { from: "user" });
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("capsim verify", () => {
  it("checks one queue and prints JSON with the verdict", async () => {
    const out = await verifyCli([
      "--servers",
      "2",
      "--utilization",
      "0.6",
      "--customers",
      "20000",
      "--replications",
      "5",
      "--json",
    ]);
    const report = JSON.parse(out) as VerifyReport;
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0]!.id).toBe("M/M/2 rho=0.6");
    expect(report.cases[0]!.checks.map((c) => c.metric)).toEqual(["mean_wait_s", "mean_response_s"]);
    expect(report.verdict).toBe("pass");
    expect(process.exitCode).toBe(0);
  });

  it("prints a table with the analytic value beside each interval", async () => {
    const out = await verifyCli([
      "--discipline",
      "ps",
      "--service",
      "det",
      "--customers",
      "5000",
      "--replications",
      "3",
    ]);
    expect(out).toMatch(/M\/D\/1-PS rho=0\.8 .* 4\.0000 .* 5\.0000 {2}PASS/);
    expect(out).toMatch(/^verdict: PASS/m);
  });

  it.each([
    [["--servers", "0"], /--servers: expected an integer from 1 to 1024/],
    [["--servers", "1.5"], /--servers/],
    [["--utilization", "1"], /--utilization: must be > 0 and < 1/],
    [["--utilization", "abc"], /--utilization: expected a number/],
    [["--discipline", "lifo"], /--discipline: expected one of fcfs, ps/],
    [["--service", "gamma"], /--service: expected one of exp, det, lognormal/],
    [["--servers", "2", "--service", "det"], /no exact closed form/],
    [["--customers", "10"], /--customers: expected an integer from 1000/],
    [["--replications", "1"], /--replications: expected an integer from 2/],
  ])("rejects %j as bad input", async (args, message) => {
    const run = verifyCli(args);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(verifyCli(args)).rejects.toThrow(message);
  });
});

describe("verdicts", () => {
  it("a wrong closed form fails, and the report says so", () => {
    const c = queueCase({ discipline: "fcfs", servers: 1, utilization: 0.5, service: "exp" });
    const wrong = { ...c, analytic: { ...c.analytic, meanWaitSeconds: c.analytic.meanWaitSeconds * 1.5 } };
    const report = runVerify([wrong], { customers: 20_000, replications: 5, seed: 3 });
    expect(report.verdict).toBe("fail");
    expect(report.cases[0]!.checks[0]!.verdict).toBe("fail");
    expect(report.cases[0]!.checks[1]!.verdict).not.toBe("fail");
    expect(formatVerifyReport(report)).toMatch(/verdict: FAIL/);
  });

  it("family intervals are wider than the displayed 95% ones (Bonferroni over all checks)", () => {
    const report = runVerify(defaultBattery().slice(0, 2), { customers: 5000, replications: 4, seed: 1 });
    expect(report.family_level).toBeCloseTo(1 - 0.05 / 4, 12);
    for (const check of report.cases.flatMap((c) => c.checks)) {
      expect(check.family_ci.halfWidth).toBeGreaterThan(check.ci.halfWidth);
    }
  });

  it("the default battery covers M/M/1, M/M/c, M/D/1, M/G/1, PS and a tandem", () => {
    const ids = defaultBattery().map((c) => c.id);
    for (const pattern of [
      /^M\/M\/1 /,
      /^M\/M\/16 /,
      /^M\/D\/1 /,
      /^M\/G\/1 lognormal/,
      /-PS .*bg=/,
      /^M\/G\/2-PS/,
      /^tandem/,
    ]) {
      expect(
        ids.some((id) => pattern.test(id)),
        String(pattern),
      ).toBe(true);
    }
  });
});
