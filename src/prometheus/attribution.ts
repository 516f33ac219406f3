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
