import type { ModelFile } from "../model/modelSchema.js";
import { templateAssignment } from "../model/templates.js";
import type { Scenario } from "../scenario/index.js";
import type { LoadedPrices } from "./loadPrices.js";
import type { Offering } from "./priceSchema.js";
import { HOURS_PER_MONTH, type Hourly, machineHourly, offeringSources, podHourly } from "./pricing.js";

/** The `cost` of a run (stable JSON shape, docs/output.md). */
export interface CostSummary {
  currency: string;
  per_month: { total: number; components: Record<string, number> };
  assumptions: string[];
  price_table: { cloud: string; file: string; sha256: string };
}

/** What a run measured that the cost needs, per replication. */
export interface RunUsage {
  simulatedSeconds: number;
  /** Mean workspaces running (agent connected) over the run. */
  meanRunningWorkspaces: number;
  /** Node-hours of the workspace node pool over the run, when it is modelled. */
  nodeHours?: number;
}

/** The sizes a deployment is priced by: what `plan` varies, and what a run reads from its scenario. */
export interface PricedDeployment {
  coderdReplicas: number;
  coderdVcpu: number;
  coderdMemoryGb: number;
  provisioners: number;
  provisionerVcpu: number;
  provisionerMemoryGb: number;
  dbVcpu: number;
  dbMemoryGb: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const perHour = (currency: string, x: number) => `${currency} ${Number(x.toPrecision(4))}/h`;

interface Builder {
  components: Record<string, number>;
  assumptions: string[];
}

function addMonthly(b: Builder, name: string, count: number, unit: Hourly, what: string, currency: string) {
  const monthly = count * unit.hourly * HOURS_PER_MONTH;
  b.components[name] = round2(monthly);
  b.assumptions.push(
    `${name}: ${what}, priced as ${unit.basis} at ${perHour(currency, unit.hourly)} each, ${HOURS_PER_MONTH} h/month`,
  );
}

function unpriced(b: Builder, name: string, offeringName: string, o: Offering) {
  b.assumptions.push(
    `${name}: not priced: ${offeringName} has no sourced price (${o.unsourced ?? "unsourced"})`,
  );
}

/**
 * The monthly cost of the always-on deployment: coderd replicas, provisioner daemons and the
 * database, each running all month. What `plan` ranks candidates by.
 */
export function deploymentCost(d: PricedDeployment, prices: LoadedPrices): Builder & { total: number } {
  const t = prices.table;
  const b: Builder = { components: {}, assumptions: [] };
  const familyName = t.compute.default;
  const family = t.compute.offerings[familyName]!;
  const coderd = podHourly(family, d.coderdVcpu, d.coderdMemoryGb);
  if (coderd)
    addMonthly(
      b,
      "coderd",
      d.coderdReplicas,
      coderd,
      `${d.coderdReplicas} replica(s) x ${d.coderdVcpu} vCPU / ${d.coderdMemoryGb} GB on ${familyName}`,
      t.currency,
    );
  else unpriced(b, "coderd", familyName, family);
  const prov = podHourly(family, d.provisionerVcpu, d.provisionerMemoryGb);
  if (prov && d.provisioners > 0)
    addMonthly(
      b,
      "provisioners",
      d.provisioners,
      prov,
      `${d.provisioners} daemon(s) x ${d.provisionerVcpu} vCPU / ${d.provisionerMemoryGb} GB on ${familyName}`,
      t.currency,
    );
  else if (!prov) unpriced(b, "provisioners", familyName, family);
  const dbName = t.database.default;
  const dbOffering = t.database.offerings[dbName]!;
  const db = machineHourly(dbOffering, d.dbVcpu, d.dbMemoryGb);
  if (db)
    addMonthly(
      b,
      "database",
      1,
      db,
      `one ${dbName} instance for ${d.dbVcpu} vCPU / ${d.dbMemoryGb} GB (single zone, storage and backups not included)`,
      t.currency,
    );
  else unpriced(b, "database", dbName, dbOffering);
  const total = Object.values(b.components).reduce((s, x) => s + x, 0);
  return { ...b, total: round2(total) };
}

/** The deployment sizes of a scenario, as `deploymentCost` prices them. */
export function pricedDeploymentOf(scenario: Scenario): PricedDeployment {
  const d = scenario.deployment;
  return {
    coderdReplicas: d.coderd.replicas,
    coderdVcpu: d.coderd.vcpu,
    coderdMemoryGb: d.coderd.memory_gb,
    provisioners: d.provisioners.count,
    provisionerVcpu: d.provisioners.vcpu,
    provisionerMemoryGb: d.provisioners.memory_gb,
    dbVcpu: d.database.vcpu,
    dbMemoryGb: d.database.memory_gb,
  };
}

type Template = NonNullable<Scenario["templates"]>[number];

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

/** Requested vCPU and GB of the average workspace: its template's, else the pod request. */
function workspaceRequest(scenario: Scenario, model: ModelFile): { vcpu: number; gb: number; from: string } {
  const pod = scenario.workspace_nodes?.workspace;
  const podVcpu = pod?.cpu_request_vcpu ?? model.data_plane.workspace_request_vcpu.value;
  const podGb = pod?.memory_request_gb ?? model.data_plane.workspace_request_memory_gb.value;
  const templates = scenario.templates;
  if (!templates) return { vcpu: podVcpu, gb: podGb, from: "the workspace pod request" };
  const n = Math.max(1, scenario.workload.workspaces);
  const counts = templates.map(() => 0);
  for (const t of templateAssignment(templates, n)) counts[t]!++;
  const avg = (f: (t: Template) => number) => templates.reduce((s, t, i) => s + f(t) * counts[i]!, 0) / n;
  return {
    vcpu: avg((t) => t.vcpu ?? podVcpu),
    gb: avg((t) => t.memory_gb ?? podGb),
    from: "the templates' requests weighted by their workspaces",
  };
}

/** Clusters paying a control-plane fee: the primary, and each other region running workspaces or a proxy. */
function clusterCount(scenario: Scenario): number {
  const regions = scenario.geography?.regions;
  if (!regions) return 1;
  const clusters = new Set([regions[0]!.name]);
  for (const r of regions) {
    if (r.proxy) clusters.add(r.name);
    if (r.workspaces_in) clusters.add(r.workspaces_in);
  }
  return clusters.size;
}

/**
 * Turns a run into a monthly bill at its simulated load: the always-on deployment for 730 h, workspace
 * nodes (or workspaces' requests) at the run's mean, workspace proxies and control-plane fees.
 */
export function runCost(
  scenario: Scenario,
  model: ModelFile,
  usage: readonly RunUsage[],
  prices: LoadedPrices,
): CostSummary {
  const t = prices.table;
  const b = deploymentCost(pricedDeploymentOf(scenario), prices);
  const familyName = t.compute.default;
  const family = t.compute.offerings[familyName]!;
  const hours = mean(usage.map((u) => u.simulatedSeconds)) / 3600;
  const nodes = scenario.workspace_nodes;
  if (nodes) {
    const node = machineHourly(family, nodes.vcpu, nodes.memory_gb);
    const meanNodes = mean(usage.map((u) => (u.nodeHours ?? 0) / (u.simulatedSeconds / 3600)));
    if (node)
      addMonthly(
        b,
        "workspace_nodes",
        meanNodes,
        node,
        `${round2(meanNodes)} nodes of ${nodes.vcpu} vCPU / ${nodes.memory_gb} GB on average (node-hours over the ` +
          `simulated ${round2(hours)} h, as if that period repeated all month)`,
        t.currency,
      );
    else unpriced(b, "workspace_nodes", familyName, family);
  } else {
    const req = workspaceRequest(scenario, model);
    const running = mean(usage.map((u) => u.meanRunningWorkspaces));
    const pod = podHourly(family, req.vcpu, req.gb);
    if (pod)
      addMonthly(
        b,
        "workspaces",
        running,
        pod,
        `${round2(running)} workspaces running on average over the simulated ${round2(hours)} h (as if that period ` +
          `repeated all month), each requesting ${round2(req.vcpu)} vCPU / ${round2(req.gb)} GB (${req.from}); ` +
          "no node pool modelled, so no bin-packing slack",
        t.currency,
      );
    else unpriced(b, "workspaces", familyName, family);
  }
  const proxies = (scenario.geography?.regions ?? []).filter((r) => r.proxy);
  if (proxies.length > 0) {
    let monthly = 0;
    for (const r of proxies) {
      const p = podHourly(family, r.proxy!.vcpu, r.proxy!.memory_gb);
      if (p) monthly += r.proxy!.replicas * p.hourly * HOURS_PER_MONTH;
    }
    if (podHourly(family, 1, 1)) {
      b.components.workspace_proxies = round2(monthly);
      b.assumptions.push(
        `workspace_proxies: ${proxies.map((r) => `${r.name} ${r.proxy!.replicas} x ${r.proxy!.vcpu} vCPU / ${r.proxy!.memory_gb} GB`).join(", ")} on ${familyName}, ${HOURS_PER_MONTH} h/month`,
      );
    } else unpriced(b, "workspace_proxies", familyName, family);
  }
  const fee = t.control_plane?.cluster_hour;
  const clusters = clusterCount(scenario);
  if (fee)
    addMonthly(
      b,
      "control_plane",
      clusters,
      { hourly: fee.value, basis: "the cluster fee" },
      `${clusters} cluster(s)`,
      t.currency,
    );
  else if (t.control_plane?.unsourced)
    b.assumptions.push(`control_plane: not priced (${t.control_plane.unsourced})`);
  b.assumptions.push(
    `prices: ${t.cloud} list prices, on demand, no discounts; compute ${familyName}: ${offeringSources(family)}; ` +
      `database ${t.database.default}: ${offeringSources(t.database.offerings[t.database.default]!) || "unsourced"}`,
  );
  b.assumptions.push("not included: storage, network egress, load balancers, backups, support plans");
  const total = Object.values(b.components).reduce((s, x) => s + x, 0);
  return {
    currency: t.currency,
    per_month: { total: round2(total), components: b.components },
    assumptions: b.assumptions,
    price_table: { cloud: t.cloud, file: prices.file, sha256: prices.sha256 },
  };
}
