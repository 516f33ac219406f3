/**
 * An operator's own Prometheus data, not capsim's export (test/fixtures/prometheus/operator.om, 60 s
 * scrapes from 2024-03-01T10:00:00Z), one deployment per namespace:
 * - restarts: coder-a's container restarts at 600 s (its counters reset), coder-b is replaced by coder-c
 *   (a new pod and instance); extra labels (container, endpoint); request latency on buckets that are
 *   not coderd's (0.1, 0.3, 1 s);
 * - static: two VMs scraped by a static config, `instance` but no `pod` label;
 * - doubled: one pod scraped by two jobs (a ServiceMonitor beside the annotation scrape);
 * - dbhosts: node_exporter of every host under job "node", the database host's among them;
 * - mixed: coderd scraped every 15 s, the database host every 60 s;
 * - helm: Coder's Helm charts seen by cAdvisor only: coderd's and the provisioners' containers are both
 *   named coder, the provisioner pods coder-provisioner-*;
 * - renamed: a Coder version whose latency family has another name;
 * and another run's capsim_stage_active (a capsim export loaded beside them), a day earlier.
 * Each figure is read right, or refused saying why; never a silent wrong number.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FigureValue } from "../../src/figures/index.js";
import { measureFromPrometheus, type PrometheusOptions } from "../../src/prometheus/index.js";
import { describeWithPrometheus, type PrometheusServer, startPrometheus } from "../helpers/prometheus.js";
import { capsim, ROOT } from "./cli.js";

const T = 1709287200;
const FIXTURE = join(ROOT, "test/fixtures/prometheus/operator.om");
const TINY = join(ROOT, "test/fixtures/compare/tiny.yaml");

/** `capsim compare` of the tiny scenario against the fixture's "restarts" deployment on the server at `url`. */
const compareArgs = (url: string): string[] => [
  "compare",
  TINY,
  "--prometheus",
  url,
  "--selector",
  '{namespace="restarts"}',
  "--start",
  String(T),
  "--end",
  String(T + 1200),
  "--replications",
  "1",
  "--no-progress",
  "--json",
];
/** The password has characters a URL must escape; the hash is bcrypt (cost 4) of it. */
const AUTH = {
  user: "operator",
  password: "s3cret:p@ss",
  bcrypt: "$2b$04$rsXU5cmq7RqgGPbdd2Bn3O96tC1vCS5qzSYuNPLsSvf2eIM4G2w9u",
};

const find = (values: readonly FigureValue[], name: string): FigureValue =>
  values.find((v) => v.name === name)!;

function measure(url: string, namespace: string, end = T + 1200, more: Partial<PrometheusOptions> = {}) {
  return measureFromPrometheus({
    url,
    selector: `{namespace="${namespace}"}`,
    start: T,
    end,
    stages: [{ name: "dashboard", start: T, end }],
    ...more,
  });
}

describeWithPrometheus("an operator's own Prometheus data", (tools) => {
  let server: PrometheusServer;

  beforeAll(async () => {
    server = await startPrometheus(tools, { openMetrics: readFileSync(FIXTURE, "utf8") });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("counter resets and a replaced pod: rate and increase read each figure right", async () => {
    const m = await measure(server.url, "restarts");
    expect(m.scrapeSeconds).toBe(60);
    const cpu = find(m.evaluated, "coderd_cpu_vcpu_median");
    // Three pod names, two replicas at a time.
    expect(cpu).toMatchObject({ source: "process", seriesCount: 3, pods: 2 });
    expect(cpu.value).toBeCloseTo(1, 9);
    // A reset is no spike, and the old and new pod are not one replica.
    expect(find(m.evaluated, "coderd_cpu_vcpu_peak").value).toBeCloseTo(1, 9);
    // Both replicas summed: 10 requests/s each.
    expect(find(m.evaluated, "api_rps_median").value).toBeCloseTo(20, 9);
    // Each replica exports the deployment's 2 agents: maxed, not summed.
    expect(find(m.evaluated, "agent_connections").value).toBe(2);
    // p95 in (0.3, 1], half way by the counts, across the reset: 650 ms.
    expect(find(m.evaluated, "api_latency_p95_ms").value).toBeCloseTo(650, 6);
  }, 60_000);

  it("a recipe whose labels the data lacks says which, not 'no points'", async () => {
    const m = await measure(server.url, "restarts");
    const v = find(m.evaluated, "agent_api_latency_p90_ms");
    expect(v.value).toBeNull();
    expect(v.note).toContain(
      'none of coderd_api_request_latencies_seconds_bucket{path=~"/api/v2/workspaceagents/me/.*"} there; do the series carry these labels',
    );
  }, 60_000);

  it("--end 800 s after the data ends: the scrape interval comes from the last samples, the figures are read", async () => {
    const m = await measure(server.url, "restarts", T + 2000);
    expect(m.scrapeSeconds).toBe(60);
    expect(m.scrapeFrom).toBe(
      `median spacing of process_cpu_seconds_total{namespace="restarts"}[10m] at ${T + 1200}`,
    );
    expect(find(m.evaluated, "api_rps_median").value).toBeCloseTo(20, 9);
  }, 60_000);

  it("a window the data covers a sixth of (--end an hour late, as a time zone would): refused, not a median of a part", async () => {
    const m = await measure(server.url, "restarts", T + 7200);
    const rps = find(m.evaluated, "api_rps_median");
    expect(rps.value).toBeNull();
    expect(rps.note).toMatch(
      /^partial: points at only 23 of the 120 instants of dashboard \(1709287200\.\.1709294400\), so the data covers too little of the window to stand for it; not guessed \(check --start\/--end against the data/,
    );
    // A figure of the window's end (increase over it) holds whatever the window holds: read.
    expect(find(m.evaluated, "api_latency_p95_ms").value).toBeCloseTo(650, 6);
  }, 60_000);

  it("a static scrape without pod labels: agent_connections is one target's count; CPU is refused", async () => {
    const m = await measure(server.url, "static");
    expect(find(m.evaluated, "agent_connections").value).toBe(2);
    const cpu = find(m.evaluated, "coderd_cpu_vcpu_median");
    expect(cpu.value).toBeNull();
    expect(cpu.note).toMatch(/have no pod label: cannot tell one pod from another, so not guessed/);
  }, 60_000);

  it("a target scraped by two jobs: the sum is refused, not doubled", async () => {
    const m = await measure(server.url, "doubled");
    const rps = find(m.evaluated, "api_rps_median");
    expect(rps.value).toBeNull();
    expect(rps.note).toMatch(
      /^duplicated: 10\.0\.1\.1:2112 \(pod coder-x\) is scraped by jobs coder, kubernetes-pods, so its series would be counted once per job; not guessed \(give --selector '\{job="coder"\}'/,
    );
    // With the job chosen, the figure is the pod's 10 requests/s.
    const one = await measure(server.url, "doubled", T + 1200, {
      selector: '{namespace="doubled", job="coder"}',
    });
    expect(find(one.evaluated, "api_rps_median").value).toBeCloseTo(10, 9);
  }, 60_000);

  it("node_exporter of several hosts under job node: the database figure is refused, not blended; --db-selector picks the host", async () => {
    const m = await measure(server.url, "dbhosts");
    const db = find(m.evaluated, "db_cpu_utilization_median");
    expect(db).toMatchObject({ value: null, source: "selfhosted" });
    expect(db.note).toMatch(
      /^ambiguous: the series come from 2 values of instance \(db-1:9100, k8s-node-1:9100\), one database host expected; not guessed \(give --db-selector '\{instance="db-1:9100"\}' with the database's\)/,
    );
    // One run: coderd's figures from the deployment's namespace, the database's from its host.
    const one = await measure(server.url, "restarts", T + 1200, {
      dbSelector: '{namespace="dbhosts", instance="db-1:9100"}',
    });
    expect(find(one.evaluated, "db_cpu_utilization_median").value).toBeCloseTo(0.8, 9);
    expect(find(one.evaluated, "api_rps_median").value).toBeCloseTo(20, 9);
    expect(one.queries).toContainEqual(
      expect.objectContaining({
        figure: "db_cpu_utilization_median",
        promql:
          'sum(rate(node_cpu_seconds_total{job="node",mode!="idle", namespace="dbhosts", instance="db-1:9100"}[240s])) / sum(rate(node_cpu_seconds_total{job="node", namespace="dbhosts", instance="db-1:9100"}[240s]))',
      }),
    );
  }, 60_000);

  it("a figure whose series --selector hides says the server holds them, not that they are missing", async () => {
    const m = await measure(server.url, "restarts");
    const db = find(m.evaluated, "db_cpu_utilization_median");
    expect(db.value).toBeNull();
    expect(db.note).toMatch(
      /^the server holds node_cpu_seconds_total \(selfhosted\), but no series of it matches --selector \{namespace="restarts"\}; give --db-selector with labels the database's series carry/,
    );
    // Names the server does not hold at all: "no series for any recipe", as before.
    expect(find(m.evaluated, "websockets_mean").note).toMatch(/^no series for any recipe/);
  }, 60_000);

  it("Coder's Helm charts: provisioner pods (container coder too) are not coderd replicas", async () => {
    const m = await measureFromPrometheus({
      url: server.url,
      selector: '{namespace="helm"}',
      start: T,
      end: T + 600,
      stages: [
        { name: "prepare", start: T, end: T + 600 },
        { name: "dashboard", start: T, end: T + 600 },
      ],
    });
    const cpu = find(m.evaluated, "coderd_cpu_vcpu_median");
    expect(cpu).toMatchObject({ source: "cadvisor", seriesCount: 2, pods: 2 });
    expect(cpu.value).toBeCloseTo(1, 9);
    const provisioner = find(m.evaluated, "provisioner_cpu_vcpu_median");
    expect(provisioner).toMatchObject({ source: "cadvisor", pods: 3 });
    expect(provisioner.value).toBeCloseTo(0.2, 9);
  }, 60_000);

  it("--stage windows win over another run's capsim_stage_active on the server", async () => {
    const stages = [{ name: "dashboard", start: T, end: T + 1200 }];
    const m = await measureFromPrometheus({ url: server.url, selector: '{namespace="restarts"}', stages });
    expect(m.windowOrigin).toBe("given");
    expect(m.windows).toEqual([...stages, { name: "all", start: T, end: T + 1200 }]);
    expect(find(m.evaluated, "api_rps_median").value).toBeCloseTo(20, 9);
  }, 60_000);

  it("coderd at 15 s, the database at 60 s: each rate over its own metric's scrapes", async () => {
    const m = await measure(server.url, "mixed", T + 600);
    expect(m.scrapeSeconds).toBe(15);
    expect(find(m.evaluated, "coderd_cpu_vcpu_median").value).toBeCloseTo(1, 9);
    expect(find(m.evaluated, "db_cpu_utilization_median").value).toBeCloseTo(0.8, 9);
    expect(m.queries).toContainEqual(
      expect.objectContaining({
        figure: "db_cpu_utilization_median",
        promql:
          'sum(rate(node_cpu_seconds_total{job="node",mode!="idle", namespace="mixed"}[240s])) / sum(rate(node_cpu_seconds_total{job="node", namespace="mixed"}[240s]))',
        step: 15,
      }),
    );
  }, 60_000);
});

describeWithPrometheus("replicas measured against the scenario's", (tools) => {
  let server: PrometheusServer;

  beforeAll(async () => {
    server = await startPrometheus(tools, { openMetrics: readFileSync(FIXTURE, "utf8") });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const compare = (...more: string[]) => capsim([...compareArgs(server.url), ...more]);
  type Row = { metric: string; verdict: string; reason?: string };
  const rowsOf = (stdout: string): Row[] => {
    const json = JSON.parse(stdout) as { rows: Row[]; not_simulated: Row[] };
    return [...json.rows, ...json.not_simulated];
  };

  it("per-replica figures of 2 pods against a 1-replica scenario are not judged, with the --set to use", async () => {
    const r = await compare();
    expect([0, 3], r.stderr).toContain(r.code);
    const cpu = rowsOf(r.stdout).find((row) => row.metric === "coderd_cpu_vcpu_median")!;
    expect(cpu).toMatchObject({
      verdict: "not_simulated",
      reason:
        "measured on 2 coderd pods at once, the scenario runs 1: each one's share of the load differs, so not judged (--set deployment.coderd.replicas=2 to simulate the measured deployment)",
    });
    // Totals do not depend on how the load is shared.
    expect(rowsOf(r.stdout).find((row) => row.metric === "agent_connections")!.verdict).not.toBe(
      "not_simulated",
    );
  }, 120_000);

  it("calibrate does not fit to them either", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "capsim-operator-")), "fit.yaml");
    const r = await capsim([
      "calibrate",
      TINY,
      "--prometheus",
      server.url,
      "--selector",
      '{namespace="restarts"}',
      "--start",
      String(T),
      "--end",
      String(T + 1200),
      "--fit",
      "coderd.connection_cpu_vcpu",
      "--max-evals",
      "1",
      "--out",
      out,
      "--no-progress",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^coderd_cpu_vcpu_median +all +1 vcpu +not simulated +not simulated$/m);
    expect(r.stdout).toContain("to 2 figure(s)");
    expect(r.stdout).toContain(
      "Not fitted to (listed, never in the objective):\n  coderd_cpu_vcpu_median (all): measured on 2 coderd pods at once, the scenario runs 1:",
    );
    rmSync(dirname(out), { recursive: true, force: true });
  }, 120_000);

  it("with the scenario at the measured count, they are judged", async () => {
    const r = await compare("--set", "deployment.coderd.replicas=2");
    expect([0, 3], r.stderr).toContain(r.code);
    const cpu = rowsOf(r.stdout).find((row) => row.metric === "coderd_cpu_vcpu_median")!;
    expect(["pass", "fail"]).toContain(cpu.verdict);
  }, 120_000);

  it("families no recipe reads (another Coder version's names): exit 2 saying so, never a pass on nothing", async () => {
    const r = await capsim([
      "compare",
      TINY,
      "--prometheus",
      server.url,
      "--selector",
      '{namespace="renamed"}',
      "--start",
      String(T),
      "--end",
      String(T + 120),
      "--no-progress",
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `--prometheus: ${server.url} holds 1 metric(s), none a figure reads matching {namespace="renamed"} in the windows: no figure can be read (docs/metrics.md lists the names each figure needs)\n`,
    );
  }, 120_000);
});

describeWithPrometheus("a Prometheus behind a path prefix and basic auth", (tools) => {
  let server: PrometheusServer;
  let withAuth: string;

  beforeAll(async () => {
    server = await startPrometheus(tools, {
      openMetrics: readFileSync(FIXTURE, "utf8"),
      routePrefix: "/prometheus",
      basicAuth: AUTH,
    });
    withAuth = server.url.replace("http://", `http://${AUTH.user}:${encodeURIComponent(AUTH.password)}@`);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("credentials in the URL are sent, and the password is shown nowhere", async () => {
    const r = await capsim(compareArgs(`${withAuth}/`));
    // The tiny scenario is not this deployment: figures may fail (3).
    expect([0, 3], r.stderr).toContain(r.code);
    const json = JSON.parse(r.stdout) as {
      prometheus: { url: string };
      measured_files: { file: string }[];
    };
    const shown = server.url.replace("http://", `http://${AUTH.user}@`);
    expect(json.prometheus.url).toBe(shown);
    expect(json.measured_files[0]!.file).toBe(shown);
    expect(`${r.stdout}${r.stderr}`).not.toContain("s3cret");
  }, 120_000);

  it("no credentials, or wrong ones: exit 2 saying so, nothing on stdout", async () => {
    const none = await capsim(compareArgs(server.url));
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(
      /HTTP 401 Unauthorized: the server asks for credentials; give them in the URL \(http:\/\/USER:PASSWORD@host:9090, or http:\/\/USER@host:9090 with the password in CAPSIM_PROMETHEUS_PASSWORD\)\n$/,
    );
    const wrong = await capsim(compareArgs(server.url.replace("http://", "http://operator:nope@")));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'HTTP 401 Unauthorized: the server refused the credentials of user "operator"',
    );
    expect(wrong.stderr).not.toContain("nope");
  }, 120_000);

  it("the password from CAPSIM_PROMETHEUS_PASSWORD when the URL names only the user", async () => {
    const saved = process.env.CAPSIM_PROMETHEUS_PASSWORD;
    process.env.CAPSIM_PROMETHEUS_PASSWORD = AUTH.password;
    try {
      const m = await measure(server.url.replace("http://", `http://${AUTH.user}@`), "restarts");
      expect(find(m.evaluated, "api_rps_median").value).toBeCloseTo(20, 9);
    } finally {
      if (saved === undefined) delete process.env.CAPSIM_PROMETHEUS_PASSWORD;
      else process.env.CAPSIM_PROMETHEUS_PASSWORD = saved;
    }
  }, 60_000);
});
