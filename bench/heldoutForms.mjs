// The held-out table of docs/model.md ("Where the unexplained database CPU goes") for each form of the
// unexplained database CPU: `node bench/heldoutForms.mjs [form=model ...]` after `npm run build`. Not a timing
// benchmark: each row is `capsim run <held-out scenario> --replications 1` (seed 1) read as the table reads it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// ROWS=9782,11897 runs only those rows (keys: 9782 11897 1k 5550 20575 v221 table).
const ROWS = process.env.ROWS ? new Set(process.env.ROWS.split(",")) : undefined;
const row = (key) => !ROWS || ROWS.has(key);

/** #11897's condition (database 100 ms away, models/heldout/remote-db-100ms.yaml) on the form's model. */
function remoteDb(model) {
  const file = join(mkdtempSync(join(tmpdir(), "capsim-remote-db-")), "model.yaml");
  const base = readFileSync("models/heldout/remote-db-100ms.yaml", "utf8");
  const network = base.slice(base.indexOf("network:"));
  writeFileSync(file, `name: remote-db\ndescription: remote-db\nextends: ${resolve("scenarios/heldout", model)}\n${network}`);
  return file;
}

/** The database CPU sources a workspace build causes (src/model/databaseCpuLedger.ts and the request classes). */
const BUILD_SOURCES = new Set([
  "workspace_build_request", "provisioner_job_event", "provisioner_job_updates", "job_update_notify_fanout",
  "provisioner_job_complete", "provisioner_acquire_empty", "agent_startup",
]);

const FORMS = process.argv.length > 2
  ? Object.fromEntries(process.argv.slice(2).map((a) => a.split("=")))
  : {
      // The default (form C under the 2 vCPU reading), then the alternatives docs/model.md compares it with.
      default: "../../models/coder-v2.8.yaml",
      "C-8vcpu": "../../models/readings/fit-metadata-k1.yaml",
      "A-all-k": "../../models/readings/fit-all-k.yaml",
      "B-residual": "../../models/readings/fit-favoured-residual.yaml",
    };

/** One run: summary metrics and the time series (rows of {column: number|string}). */
function run(file, model, sets = []) {
  const out = mkdtempSync(join(tmpdir(), "capsim-heldout-"));
  const args = ["dist/cli/main.js", "run", file, "--replications", "1", "--no-progress", "--out", out, "--set", `model=${model}`];
  for (const s of sets) args.push("--set", s);
  execFileSync("node", args, { stdio: ["ignore", "ignore", "inherit"] });
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  const [head, ...lines] = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
  const cols = head.match(/("[^"]*(""[^"]*)*"|[^,]+)(?=,|$)/g).map((c) => c.replace(/^"|"$/g, "").replace(/""/g, '"'));
  const rows = lines.map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(cols.map((c, i) => [c, c === "stage" ? cells[i] : cells[i] === "" ? Number.NaN : Number(cells[i])]));
  });
  return { summary, rows };
}

const fig = (s, name, stage = null) => s.metrics.find((m) => m.name === name && m.stage === stage)?.mean;
const median = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : Number.NaN;
};
const mean = (xs) => {
  const v = xs.filter(Number.isFinite);
  return v.reduce((a, b) => a + b, 0) / v.length;
};
const r = (x, d = 3) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

for (const [form, model] of Object.entries(FORMS)) {
  const out = {};
  if (row("9782")) {
  const h9782 = run("scenarios/heldout/issue-9782-per-item-400.yaml", model).summary;
  out["#9782 db util median"] = r(fig(h9782, "db_cpu_utilization_median"));
  }
  if (row("11897")) {
  const remote = remoteDb(model);
  const p10 = run("scenarios/heldout/issue-11897-pool-starvation.yaml", remote, ["deployment.coderd.pg_conn_max_open=10"]).summary;
  const p200 = run("scenarios/heldout/issue-11897-pool-starvation.yaml", remote).summary;
  out["#11897 pool10 api p95 s"] = r(fig(p10, "api_latency_p95_ms") / 1000);
  out["#11897 pool10 coderd vCPU"] = r(fig(p10, "coderd_cpu_vcpu_median"));
  out["#11897 pool10 db util"] = r(fig(p10, "db_cpu_utilization_median"));
  out["#11897 pool200 api p95 s"] = r(fig(p200, "api_latency_p95_ms") / 1000);
  }
  if (row("1k")) {
  const k1 = run("scenarios/reference/1k.yaml", model).summary;
  const busiest = [...k1.resources].sort((a, b) => b.utilization - a.utilization)[0];
  out["1k busiest"] = `${busiest.name} ${r(busiest.utilization)}`;
  out["1k db util median"] = r(fig(k1, "db_cpu_utilization_median"));
  }
  if (row("5550"))
  for (const users of [480, 1200]) {
    const { rows } = run("scenarios/heldout/pr-5550-builtin-120-builds.yaml", model, [`workload.users=${users}`]);
    const build = rows.filter((x) => x.stage === "prepare" && x.provisioners_busy >= 80);
    out[`#5550 ${users}u db cores max (builds>=80)`] = r(Math.max(...build.map((x) => x.db_cpu_utilization * 2)));
    out[`#5550 ${users}u db cores idle median`] = r(median(rows.filter((x) => x.stage === "ssh").map((x) => x.db_cpu_utilization * 2)));
  }
  if (row("20575")) {
  // The PR compares the builds with the Desktop clients' updates while the test runs: the builds' share of
  // the database CPU over prepare (the runner's burst of creates until every agent is up), by source.
  const h20575 = run("scenarios/heldout/pr-20575-builds-dominate-db.yaml", model).summary;
  const prepare = h20575.database_cpu_by_source.windows.find((w) => w.window === "prepare");
  const builds = prepare.sources.filter((x) => BUILD_SOURCES.has(x.source)).reduce((a, x) => a + x.share, 0);
  out["#20575 db vCPU during the test (prepare)"] = r(prepare.mean_vcpu);
  out["#20575 builds' share of db CPU"] = r(builds);
  out["#20575 queue-position share"] = r(prepare.sources.find((x) => x.source === "workspace_build_request").share);
  }
  if (row("table")) {
  // The rest of Coder's "Recent scale tests" table (v0.24.1, v0.27.2): each passed; the busiest resource.
  for (const f of ["v0.24.1-200", "v0.24.1-1500", "v0.27.2-500"]) {
    const s = run(`scenarios/heldout/scale-table-${f}-users.yaml`, model).summary;
    out[`${f} busiest`] = `${s.bottleneck.resource} ${r(s.bottleneck.utilization)}`;
  }
  }
  if (row("v221")) {
  const v221 = run("scenarios/heldout/scale-table-v2.2.1-1000-users.yaml", model).summary;
  out["v2.2.1 db util median"] = r(fig(v221, "db_cpu_utilization_median"));
  out["v2.2.1 api p95 s"] = r(fig(v221, "api_latency_p95_ms") / 1000);
  const v221m = run("scenarios/heldout/scale-table-v2.2.1-1000-users.yaml", model, ["workload.agent.metadata.items=2"]).summary;
  out["v2.2.1+2 metadata db util median"] = r(fig(v221m, "db_cpu_utilization_median"));
  out["v2.2.1+2 metadata agent p95 s"] = r(fig(v221m, "agent_api_latency_p95_ms") / 1000);
  }
  console.log(JSON.stringify({ form, model, ...out }));
}
