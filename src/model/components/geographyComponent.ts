import type { Geography } from "../geography.js";
import { proxyFamilies } from "../metrics/coderMetrics.js";
import type { ModelComponent } from "./component.js";

/** Regions and workspace proxies: the proxies' CPUs and per-region latency figures. */
export function geographyComponent(geography: Geography): ModelComponent {
  return {
    installMetrics: (registry) => proxyFamilies(registry, geography),
    resources: () =>
      geography.proxies.map((p) => ({ section: "proxies" as const, kind: "cpu" as const, resource: p.cpu })),
    figures: () => {
      const f: Record<string, number> = {};
      geography.regionNames.forEach((name, i) => {
        const label = `{region="${name}"}`;
        f[`api_latency_p95_ms${label}`] = geography.apiProbes[i]!.exactQuantile(0.95) * 1000;
        f[`agent_api_latency_p95_ms${label}`] = geography.agentProbes[i]!.exactQuantile(0.95) * 1000;
        const n = geography.connectionCount[i]!;
        f[`workspace_connection_rtt_ms${label}`] =
          n > 0 ? (geography.connectionRttSum[i]! / n) * 1000 : Number.NaN;
      });
      return f;
    },
  };
}
