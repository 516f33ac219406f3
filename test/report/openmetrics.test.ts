import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenarioAndModel } from "../../src/cli/scenarioInput.js";
import { InputError } from "../../src/errors.js";
import { type ReplicationResult, runReplication } from "../../src/model/coderModel.js";
import { CODERD_LATENCY_BUCKETS_S } from "../../src/model/metrics/catalog.js";
import { canonicalFloat } from "../../src/report/openmetrics/format.js";
import {
  DEFAULT_OPENMETRICS_START,
  openMetricsText,
  parseOpenMetricsStart,
} from "../../src/report/openmetrics.js";
import { select } from "../../src/series/select.js";
import { commandRuns, requireTool } from "../helpers/tools.js";
import { sampleLines, validateOpenMetrics } from "./openMetricsValidator.js";
import { SMALL_RUN } from "./runFixture.js";

const START = parseOpenMetricsStart(DEFAULT_OPENMETRICS_START);
const SCENARIO_NAME = 'small "run" \\ with\nnewline';
let rep: ReplicationResult;
let text: string;

beforeAll(() => {
  const { loaded, model } = loadScenarioAndModel(SMALL_RUN);
  rep = runReplication(loaded.scenario, model.model, 11);
  text = openMetricsText(rep, { scenario: SCENARIO_NAME, startEpochSeconds: START });
});

const lastValue = (name: string, labelFragment: string): number => {
  const line = sampleLines(text)
    .filter((l) => l.startsWith(`${name}{`) && l.includes(labelFragment))
    .at(-1);
  if (!line) throw new Error(`no sample ${name} ${labelFragment}`);
  return Number(line.split(" ").at(-2));
};

describe("the strict OpenMetrics validator", () => {
  const ok = (body: string) => validateOpenMetrics(`${body}# EOF\n`);

  it("accepts the specification's examples", () => {
    expect(
      ok(`# TYPE acme_http_router_request_seconds summary
# UNIT acme_http_router_request_seconds seconds
# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
acme_http_router_request_seconds_sum{path="/api/v2",method="POST"} 479.3
acme_http_router_request_seconds_count{path="/api/v2",method="POST"} 34.0
acme_http_router_request_seconds_created{path="/api/v2",method="POST"} 1605281325.0
# TYPE go_goroutines gauge
# HELP go_goroutines Number of goroutines that currently exist.
go_goroutines 69
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
process_cpu_seconds_total 4.20072246e+06
`),
    ).toEqual([]);
    expect(
      ok(`# TYPE foo histogram
foo_bucket{le="0.0"} 0
foo_bucket{le="1e-05"} 0
foo_bucket{le="0.0001"} 5
foo_bucket{le="0.1"} 8
foo_bucket{le="1.0"} 10
foo_bucket{le="10.0"} 11
foo_bucket{le="100000.0"} 11
foo_bucket{le="1e+06"} 15
foo_bucket{le="1e+23"} 16
foo_bucket{le="1.1e+23"} 17
foo_bucket{le="+Inf"} 17
foo_count 17
foo_sum 324789.3
foo_created 1520430000.123
`),
    ).toEqual([]);
    expect(
      ok(
        `# TYPE foo gauge\nfoo{a="x",b="escaping\\" example \\n "} 17.0 123\nfoo{a="x",b="escaping\\" example \\n "} 18.0 456\n`,
      ),
    ).toEqual([]);
  });

  it.each([
    ["no EOF", "# TYPE foo gauge\nfoo 1\n", /must end with "# EOF"/],
    ["interleaved families", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n", /interleaved/],
    [
      "interleaved metrics",
      '# TYPE a gauge\na{x="1"} 1 1\na{x="2"} 1 1\na{x="1"} 1 2\n# EOF\n',
      /metric interleaved/,
    ],
    [
      "interleaved points",
      "# TYPE s summary\ns_count 0 123\ns_count 0 456\ns_sum 0 123\ns_sum 0 456\n# EOF\n",
      /timestamps must increase/,
    ],
    ["a decreasing counter", "# TYPE c counter\nc_total 5 1\nc_total 4 2\n# EOF\n", /counter decreased/],
    ["an undefined escape", '# TYPE a gauge\na{x="\\t"} 1\n# EOF\n', /undefined escape/],
    [
      "a non-cumulative histogram",
      '# TYPE h histogram\nh_bucket{le="1.0"} 5\nh_bucket{le="+Inf"} 4\n# EOF\n',
      /not cumulative/,
    ],
    [
      "a histogram without +Inf",
      '# TYPE h histogram\nh_bucket{le="1.0"} 5\n# EOF\n',
      /without a \+Inf bucket/,
    ],
    [
      "a non-canonical le",
      '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 5\n# EOF\n',
      /canonical/,
    ],
    [
      "a _count unlike +Inf",
      '# TYPE h histogram\nh_bucket{le="+Inf"} 5\nh_count 6\nh_sum 1\n# EOF\n',
      /_count 6 differs/,
    ],
    ["a unit that is not a suffix", "# TYPE foo counter\n# UNIT foo seconds\n# EOF\n", /not a suffix/],
    ["metadata after samples", "# TYPE foo gauge\nfoo 1\n# HELP foo late\n# EOF\n", /after its samples/],
    ["a bad number", "# TYPE foo gauge\nfoo 1,5\n# EOF\n", /bad number/],
    ["a le on a gauge", '# TYPE foo gauge\nfoo{le="1.0"} 1\n# EOF\n', /le label outside/],
    ["two spaces", "# TYPE foo gauge\nfoo  1\n# EOF\n", /single spaces/],
    ["two points without timestamps", "# TYPE foo gauge\nfoo 1\nfoo 2\n# EOF\n", /needs timestamps/],
    ["a carriage return", "# TYPE foo gauge\r\nfoo 1\n# EOF\n", /carriage return/],
  ])("rejects %s", (_name, input, message) => {
    expect(validateOpenMetrics(input).join("\n")).toMatch(message);
  });
});

describe("canonical le values", () => {
  it("render as the specification's examples", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [0.001, "0.001"],
      [0.002, "0.002"],
      [0.01, "0.01"],
      [0.1, "0.1"],
      [0.9, "0.9"],
      [0.95, "0.95"],
      [0.99, "0.99"],
      [0.999, "0.999"],
      [1, "1.0"],
      [1.7, "1.7"],
      [10, "10.0"],
      [1e-10, "1e-10"],
      [1e-9, "1e-09"],
      [1e-5, "1e-05"],
      [1e-4, "0.0001"],
      [1e5, "100000.0"],
      [1e6, "1e+06"],
      [1e10, "1e+10"],
      [Number.POSITIVE_INFINITY, "+Inf"],
    ];
    for (const [v, s] of cases) expect(canonicalFloat(v)).toBe(s);
  });
});

describe("openMetricsText", () => {
  it("is valid OpenMetrics and ends with # EOF", () => {
    expect(validateOpenMetrics(text)).toEqual([]);
    expect(text.endsWith("\n# EOF\n")).toBe(true);
  });

  it("uses the exporters' metric names, one series per replica pod, and labels every series with the scenario", () => {
    for (const family of [
      "# TYPE container_cpu_usage_seconds counter",
      "# TYPE process_cpu_seconds counter",
      "# TYPE coderd_api_requests_processed counter",
      "# TYPE coderd_api_concurrent_websockets gauge",
      "# TYPE coderd_api_request_latencies_seconds histogram",
      "# TYPE container_memory_working_set_bytes gauge",
      "# TYPE process_resident_memory_bytes gauge",
      "# TYPE node_cpu_seconds counter",
      "# TYPE stackdriver_cloudsql_database_cloudsql_googleapis_com_database_disk_write_ops_count gauge",
      "# TYPE go_sql_in_use_connections gauge",
      "# TYPE pg_stat_database_xact_commit counter",
      "# TYPE capsim_stage_active gauge",
    ]) {
      expect(text).toContain(`${family}\n`);
    }
    const samples = sampleLines(text);
    expect(samples.every((l) => l.includes('{scenario="small \\"run\\" \\\\ with\\nnewline"'))).toBe(true);
    for (const r of [0, 1]) {
      expect(
        samples.some(
          (l) => l.startsWith(`container_cpu_usage_seconds_total{`) && l.includes(`pod="coder-${r}"`),
        ),
      ).toBe(true);
    }
    const les = new Set(
      samples
        .filter((l) => l.startsWith("coderd_api_request_latencies_seconds_bucket"))
        .map((l) => /le="([^"]+)"/.exec(l)![1]),
    );
    expect([...les]).toEqual([...CODERD_LATENCY_BUCKETS_S.map(canonicalFloat), "+Inf"]);
    expect([...les].slice(0, 3)).toEqual(["0.001", "0.005", "0.01"]);
  });

  it("carries the simulated values: every series ends where the replication's ends", () => {
    const last = (name: string, matchers: Record<string, string>): number => {
      const [s] = select(rep.metrics, name, matchers);
      if (!s) throw new Error(`no series ${name}`);
      return s.values[s.values.length - 1]!;
    };
    const path = "/api/v2/workspaceagents/me/report-stats";
    expect(
      lastValue(
        "coderd_api_requests_processed_total",
        `pod="coder-1",code="200",method="POST",path="${path}"`,
      ),
    ).toBe(last("coderd_api_requests_processed_total", { pod: "coder-1", code: "200", path }));
    expect(lastValue("container_cpu_usage_seconds_total", 'pod="coder-0"')).toBeCloseTo(
      last("container_cpu_usage_seconds_total", { pod: "coder-0", container: "coder" }),
      6,
    );
    expect(lastValue("container_memory_working_set_bytes", 'pod="coder-0"')).toBe(
      last("container_memory_working_set_bytes", { pod: "coder-0" }),
    );
    expect(lastValue("coderd_api_request_latencies_seconds_count", `path="${path}"`)).toBe(
      last("coderd_api_request_latencies_seconds_count", { pod: "coder-1", path }),
    );
    expect(lastValue("coderd_api_request_latencies_seconds_count", `path="${path}"`)).toBeGreaterThan(0);
  });

  it("stamps scrapes from the start time, in seconds", () => {
    expect(START).toBe(Date.UTC(2024, 2, 1) / 1000);
    const stamps = sampleLines(text)
      .filter((l) => l.startsWith("capsim_agents_connected{"))
      .map((l) => Number(l.split(" ").at(-1)));
    const times = rep.metrics.series[0]!.times;
    expect(stamps[0]).toBe(START + times[0]!);
    expect(stamps.at(-1)).toBe(START + times[times.length - 1]!);
    expect(stamps[1]! - stamps[0]!).toBe(15);
  });

  it("is deterministic", () => {
    expect(openMetricsText(rep, { scenario: SCENARIO_NAME, startEpochSeconds: START })).toBe(text);
  });
});

describe("parseOpenMetricsStart", () => {
  it("reads RFC 3339 and rejects anything else as bad input", () => {
    expect(parseOpenMetricsStart("2024-03-01T01:00:00+01:00")).toBe(START);
    expect(parseOpenMetricsStart("2024-03-01T00:00:00.5Z")).toBe(START + 0.5);
    expect(() => parseOpenMetricsStart("yesterday")).toThrow(InputError);
    expect(() => parseOpenMetricsStart("2024-03-01")).toThrow(
      /--openmetrics-start: expected an RFC 3339 time/,
    );
  });
});

const HAS_PROMTOOL = requireTool(
  "promtool (on PATH)",
  commandRuns("promtool"),
  "run .ci/install-tools.sh or `apt-get install prometheus`",
);

describe.skipIf(!HAS_PROMTOOL)("promtool", () => {
  it("loads the file into TSDB blocks with every sample and series", () => {
    const dir = mkdtempSync(join(tmpdir(), "capsim-promtool-"));
    try {
      const file = join(dir, "sim.om");
      writeFileSync(file, text);
      execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", file, join(dir, "data")], {
        stdio: "pipe",
      });
      const list = execFileSync("promtool", ["tsdb", "list", join(dir, "data")], { encoding: "utf8" });
      const rows = list
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(/\s+/));
      const samples = rows.reduce((n, r) => n + Number(r[4]), 0);
      expect(samples).toBe(sampleLines(text).length);
      const series = new Set(
        sampleLines(text).map((l) => l.slice(0, l.lastIndexOf(" ", l.lastIndexOf(" ") - 1))),
      );
      expect(Math.max(...rows.map((r) => Number(r[6])))).toBeLessThanOrEqual(series.size);
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
