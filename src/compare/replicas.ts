import type { FigureValue } from "../figures/index.js";
import type { MeasuredSample } from "../measured/index.js";
import type { Scenario } from "../scenario/schema.js";

/**
 * Why a per-replica or per-daemon figure measured on another number of pods than the scenario runs is
 * not comparable (each pod's share of the load differs), or undefined. Pods are counted at once
 * (`FigureValue.pods`), so a restarted pod's new name is not one more replica.
 */
export function podCountMismatch(
  figure: MeasuredSample,
  evaluated: readonly FigureValue[],
  scenario: Scenario,
): string | undefined {
  const v = evaluated.find(
    (e) => e.name === figure.metric && (e.stage === "all" ? null : e.stage) === figure.stage,
  );
  if (v?.pods === undefined) return undefined;
  const declared = declaredPods(figure.scope, scenario);
  if (declared === undefined || v.pods === declared.count) return undefined;
  return `measured on ${v.pods} ${declared.what} at once, the scenario runs ${declared.count}: each one's share of the load differs, so not judged (--set ${declared.path}=${Math.round(v.pods)} to simulate the measured deployment)`;
}

function declaredPods(
  scope: MeasuredSample["scope"],
  scenario: Scenario,
): { count: number; what: string; path: string } | undefined {
  if (scope === "per_replica") {
    // Scale events change the count during the run: no one count to hold the measurement to.
    if ((scenario.events ?? []).some((e) => e.kind === "scale_replicas" || e.kind === "replica_loss"))
      return undefined;
    return {
      count: scenario.deployment.coderd.replicas,
      what: "coderd pods",
      path: "deployment.coderd.replicas",
    };
  }
  if (scope === "per_daemon")
    return {
      count: scenario.deployment.provisioners.count,
      what: "provisioner pods",
      path: "deployment.provisioners.count",
    };
  return undefined;
}
