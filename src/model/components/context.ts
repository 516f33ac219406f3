import type { Rng } from "../../engine/random/index.js";
import { RandomStreams } from "../../engine/random/index.js";
import { Simulation } from "../../engine/simulation.js";
import type { Scenario } from "../../scenario/index.js";
import { mechanismsFor, type VersionMechanisms } from "../coderVersion.js";
import { type Features, resolveFeatures } from "../features.js";
import { type ModelHooks, modelHooks } from "../hook.js";
import type { ModelFile } from "../modelSchema.js";
import { buildRequestCatalog, type RequestCatalog } from "../requestClasses.js";
import { Timeline } from "../timeline.js";
import { pgCoordinatorOn } from "./tailnetCoordinatorComponent.js";

/** What every component of one replication is built from. */
export interface ModelContext {
  readonly sim: Simulation;
  readonly scenario: Scenario;
  readonly model: ModelFile;
  readonly mech: VersionMechanisms;
  readonly catalog: RequestCatalog;
  /** The run has the PG coordinator (`pgCoordinatorOn`): its component runs and the catalog knows it. */
  readonly pgCoordinator: boolean;
  /** Issue 7's keys (nodes, regions, options, events); each is off when its key is absent. */
  readonly features: Features;
  readonly timeline: Timeline;
  /** The events between parts built one after another (created before any of them). */
  readonly hooks: ModelHooks;
  /** The named random stream (the same name gives the same draws whatever was built before). */
  stream(name: string): Rng;
}

export function modelContext(scenario: Scenario, model: ModelFile, seed: number): ModelContext {
  const sim = new Simulation({ initialEventCapacity: 4 * scenario.workload.workspaces + 1024 });
  const streams = new RandomStreams(seed);
  const mech = mechanismsFor(scenario.deployment.coder_version, model);
  const pgCoordinator = pgCoordinatorOn(scenario, model);
  return {
    sim,
    scenario,
    model,
    mech,
    catalog: buildRequestCatalog(model, mech, {
      pgCoordinator,
      coderVersion: scenario.deployment.coder_version,
    }),
    pgCoordinator,
    features: resolveFeatures(scenario, model),
    timeline: new Timeline(scenario),
    hooks: modelHooks(),
    stream: (name) => streams.stream(name),
  };
}
