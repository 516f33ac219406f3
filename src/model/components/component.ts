import type { ResourceStats } from "../../engine/resources/resourceStats.js";
import type { MetricRegistry } from "../metrics/registry.js";
import type { CompletionHandler, RequestListener, RequestPipeline } from "../requestPipeline.js";
import type { TimeWindow } from "../timeline.js";

/** A resource row of the summary: the engine's statistics plus what kind of resource it is. */
export interface ResourceRow extends ResourceStats {
  kind: "cpu" | "pool" | "queue" | "lock";
}

/** Where a resource's row goes in the table: sections in this order, components' rows in theirs. */
export const RESOURCE_SECTIONS = ["compute", "connections", "provisioning", "proxies"] as const;
export type ResourceSection = (typeof RESOURCE_SECTIONS)[number];

/** A resource a component owns, with its window statistics. */
export interface OwnedResource {
  readonly section: ResourceSection;
  readonly kind: ResourceRow["kind"];
  readonly resource: { stats(): ResourceStats; resetStats(): void };
}

/** What a request class does when one of its requests finishes, failed or not (its owner is the class's to read). */
export interface Completion {
  readonly classId: number;
  readonly done: CompletionHandler;
}

/**
 * One part of the Coder deployment model (coderd cluster, database, provisioners, ...). Its constructor
 * builds its parts from what it is given (nothing is patched in later); these say how it is measured
 * and how the run drives it.
 */
export interface ModelComponent {
  /** Registers its metric families (before the sampler starts). */
  installMetrics?(registry: MetricRegistry): void;
  /** Its resources, whose statistics cover the traffic window. */
  resources?(): readonly OwnedResource[];
  /** Figures only the simulator knows (not derivable from the series), named as in the JSON output. */
  figures?(): Record<string, number>;
  /** What its request classes do when a request finishes (one handler per class). */
  completions?(): readonly Completion[];
  /** Hears every finished request, failed or not (latency probes, counters). */
  readonly onRequestDone?: RequestListener;
  /** Hears the finished requests of one class only, failed or not (after the listeners of every class). */
  readonly onClassRequestDone?: { readonly classId: number; readonly listen: RequestListener };
  /** Prepare is over: the later stages' times are known now. */
  afterPrepare?(): void;
  /** The traffic window opens (called at its start, or at once when it has already started). */
  trafficStarts?(window: TimeWindow): void;
}

/** Gives the pipeline every component's completion handlers. */
export function installCompletions(components: readonly ModelComponent[], pipeline: RequestPipeline): void {
  for (const c of components)
    for (const { classId, done } of c.completions?.() ?? []) pipeline.onDone(classId, done);
}

/**
 * One listener telling every component that hears finished requests, in composition order: first those
 * hearing every class, then the one of the request's class if any (found by index, not by a call each).
 */
export function requestListener(components: readonly ModelComponent[]): RequestListener {
  const listeners = components.flatMap((c) => (c.onRequestDone ? [c.onRequestDone] : []));
  const byClass: (RequestListener | undefined)[] = [];
  for (const c of components) {
    const own = c.onClassRequestDone;
    if (!own) continue;
    if (byClass[own.classId]) throw new Error(`class ${own.classId}: a class listener already set`);
    byClass[own.classId] = own.listen;
  }
  return (classId, replica, latency, owner, failed) => {
    for (const listen of listeners) listen(classId, replica, latency, owner, failed);
    byClass[classId]?.(classId, replica, latency, owner, failed);
  };
}

/** Installs every component's metric families, in composition order (the series' order). */
export function installMetrics(components: readonly ModelComponent[], registry: MetricRegistry): void {
  for (const c of components) c.installMetrics?.(registry);
}

/** Starts every component's window statistics afresh. */
export function resetWindowStats(components: readonly ModelComponent[]): void {
  for (const c of components) for (const r of c.resources?.() ?? []) r.resource.resetStats();
}

/** The resource table: by section, then in composition order. */
export function resourceRows(components: readonly ModelComponent[]): ResourceRow[] {
  const owned = components.flatMap((c) => c.resources?.() ?? []);
  return RESOURCE_SECTIONS.flatMap((section) =>
    owned.filter((r) => r.section === section).map((r) => ({ ...r.resource.stats(), kind: r.kind })),
  );
}

/** Every component's simulator-only figures, in composition order. */
export function componentFigures(components: readonly ModelComponent[]): Record<string, number> {
  return Object.assign({}, ...components.map((c) => c.figures?.() ?? {}));
}
