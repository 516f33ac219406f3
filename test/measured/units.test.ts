import { describe, expect, it } from "vitest";
import { parseGrafanaTime, parseUnixSecondsOrRfc3339 } from "../../src/measured/time.js";
import {
  convertUnit,
  parsePromFloat,
  parseQuantity,
  rateUnitOfPromName,
  unitOfPromName,
} from "../../src/measured/units.js";

describe("unit conversion", () => {
  it("converts within a dimension without float noise", () => {
    expect(convertUnit(60, "ms", "s")).toBe(0.06);
    expect(convertUnit(0.22, "s", "ms")).toBe(220);
    expect(convertUnit(80, "%", "1")).toBe(0.8);
    expect(convertUnit(3.7e9, "bytes", "gb")).toBe(3.7);
    expect(convertUnit(1, "gib", "bytes")).toBe(1073741824);
    expect(convertUnit(350, "millicores", "vcpu")).toBe(0.35);
    expect(convertUnit(120, "1/min", "1/s")).toBe(2);
  });

  it("refuses to convert across dimensions or unknown units", () => {
    expect(convertUnit(1, "s", "bytes")).toBeUndefined();
    expect(convertUnit(1, "furlong", "s")).toBeUndefined();
  });

  it("parses Grafana-formatted quantities into SI", () => {
    expect(parseQuantity("12.3 ms")).toEqual({ value: 0.0123, unit: "s" });
    expect(parseQuantity("500 µs")).toEqual({ value: 0.0005, unit: "s" });
    expect(parseQuantity("45%")).toEqual({ value: 0.45, unit: "1" });
    expect(parseQuantity("1.5 GiB")).toEqual({ value: 1.5 * 1024 ** 3, unit: "bytes" });
    expect(parseQuantity("350 req/s")).toEqual({ value: 350, unit: "1/s" });
    expect(parseQuantity("2.4 K")).toEqual({ value: 2400, unit: "1" });
    expect(parseQuantity("-3e2")).toEqual({ value: -300, unit: "1" });
    expect(parseQuantity("7 parsecs")).toEqual({ unknownSuffix: "parsecs" });
    expect(parseQuantity("n/a")).toBeUndefined();
    expect(parseQuantity("0,8")).toBeUndefined();
  });

  it("parses Prometheus floats", () => {
    expect(parsePromFloat("1e-3")).toBe(0.001);
    expect(parsePromFloat("-Inf")).toBe(-Infinity);
    expect(parsePromFloat("NaN")).toBeNaN();
    expect(parsePromFloat("0x10")).toBeUndefined();
    expect(parsePromFloat("")).toBeUndefined();
  });

  it("derives units from Prometheus naming conventions", () => {
    expect(unitOfPromName("coderd_api_request_latencies_seconds")).toBe("s");
    expect(unitOfPromName("process_resident_memory_bytes")).toBe("bytes");
    expect(unitOfPromName("coderd_agents_connections")).toBe("1");
    expect(rateUnitOfPromName("process_cpu_seconds_total")).toBe("vcpu");
    expect(rateUnitOfPromName("coderd_scaletest_bytes_read_total")).toBe("bytes_per_s");
    expect(rateUnitOfPromName("go_gc_duration_seconds_total")).toBe("1");
    expect(rateUnitOfPromName("coderd_api_requests_processed_total")).toBe("1/s");
  });
});

describe("times", () => {
  it("reads unix seconds and RFC 3339, rejecting milliseconds and zone-less text", () => {
    expect(parseUnixSecondsOrRfc3339(1709287200)).toBe(1709287200);
    expect(parseUnixSecondsOrRfc3339("2024-03-01T10:00:00Z")).toBe(1709287200);
    expect(parseUnixSecondsOrRfc3339("2024-03-01T11:00:00.5+01:00")).toBe(1709287200.5);
    expect(parseUnixSecondsOrRfc3339(1709287200000)).toMatch(/looks like milliseconds/);
    expect(parseUnixSecondsOrRfc3339("2024-03-01 10:00")).toMatch(/has no time zone/);
    expect(parseUnixSecondsOrRfc3339(true)).toMatch(/^must be unix seconds/);
  });

  it("reads Grafana epoch milliseconds and date strings", () => {
    expect(parseGrafanaTime("1709287200123")).toEqual({ seconds: 1709287200.123 });
    expect(parseGrafanaTime("2024-03-01 10:00:00")).toEqual({
      seconds: 1709287200,
      assumption: "time column has no zone; read as UTC",
    });
    expect(parseGrafanaTime("last tuesday")).toBeUndefined();
  });
});
