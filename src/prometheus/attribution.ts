import type { Labels } from "../series/types.js";

/**
 * Why the series a per-pod figure reads cannot be taken as one deployment's pods, or undefined when they
 * can: series from several namespaces mean other workloads (a `coder-observability` Prometheus,
 * grafana-agent, postgres-exporter...) would be counted as replicas.
 */
export function attributionProblem(per: string, series: readonly Labels[]): string | undefined {
  const podsByNamespace = new Map<string, Set<string>>();
  for (const s of series) {
    if (s.namespace === undefined) continue;
    const pods = podsByNamespace.get(s.namespace) ?? new Set<string>();
    pods.add(s[per] ?? "");
    podsByNamespace.set(s.namespace, pods);
  }
  if (podsByNamespace.size <= 1) return undefined;
  const list = [...podsByNamespace]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ns, pods]) => `${ns} (${pods.size} ${per}${pods.size === 1 ? "" : "s"})`)
    .join(", ");
  const example = [...podsByNamespace.keys()].sort()[0]!;
  return `ambiguous: the series come from namespaces ${list}, so ${per}s of other workloads would be counted; not guessed (give --selector '{namespace="${example}"}' with the deployment's namespace)`;
}

/**
 * Why the series a figure reads would count a target twice, or undefined: one target (its `instance`,
 * and `pod` when it has one) scraped by several jobs (a ServiceMonitor beside an annotation scrape)
 * exports each series once per job, so a sum over targets would double.
 */
export function duplicateScrapeProblem(series: readonly Labels[]): string | undefined {
  const jobsByTarget = new Map<string, Set<string>>();
  for (const s of series) {
    if (s.job === undefined || (s.instance === undefined && s.pod === undefined)) continue;
    const target = [s.instance, s.pod !== undefined ? `(pod ${s.pod})` : undefined].filter(Boolean).join(" ");
    const jobs = jobsByTarget.get(target) ?? new Set<string>();
    jobs.add(s.job);
    jobsByTarget.set(target, jobs);
  }
  const doubled = [...jobsByTarget].filter(([, jobs]) => jobs.size > 1).sort(([a], [b]) => (a < b ? -1 : 1));
  if (doubled.length === 0) return undefined;
  const [target, jobs] = doubled[0]!;
  const names = [...jobs].sort();
  const more = doubled.length > 1 ? ` (and ${doubled.length - 1} more target(s))` : "";
  return `duplicated: ${target} is scraped by jobs ${names.join(", ")}${more}, so its series would be counted once per job; not guessed (give --selector '{job="${names[0]}"}' with the job that scrapes it)`;
}

/**
 * Why the series of a figure of one database come from several (the `label` has several values: node
 * exporters of every host under one job, several Cloud SQL or RDS instances), or undefined.
 */
export function severalDatabasesProblem(
  one: { label: string; thing: string },
  series: readonly Labels[],
): string | undefined {
  const values = [
    ...new Set(series.flatMap((s) => (s[one.label] === undefined ? [] : [s[one.label]!]))),
  ].sort();
  if (values.length <= 1) return undefined;
  const shown = values.slice(0, 3).join(", ") + (values.length > 3 ? ", ..." : "");
  return `ambiguous: the series come from ${values.length} values of ${one.label} (${shown}), one ${one.thing} expected; not guessed (give --db-selector '{${one.label}="${values[0]}"}' with the database's)`;
}
