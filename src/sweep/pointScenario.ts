import { InputError, type InputIssue } from "../errors.js";
import { type LoadedModel, loadModel } from "../model/loadModel.js";
import { type LoadedScenario, loadScenarioText, overrideSource } from "../scenario/index.js";
import type { Axis, GridPoint } from "./grid.js";
import { type LoadLink, linkedOverrides, USERS_PATH } from "./linkedLoad.js";

/** The scenario every point starts from, the `--set` arguments and the axes. */
export interface SweepBase {
  loaded: LoadedScenario;
  model: LoadedModel;
  sets: readonly string[];
  axes: readonly Axis[];
  link: LoadLink | null;
}

export interface LoadedPoint {
  point: GridPoint;
  loaded: LoadedScenario;
  model: LoadedModel;
}

/** `--set` arguments of a point: the fixed ones, then each varied value, then what the load link adds. */
export function pointOverrides(base: SweepBase, point: GridPoint): { fixed: string[]; varied: string[] } {
  const varied = base.axes.map((axis, a) => `${axis.path}=${point.values[a]!.text}`);
  const usersAxis = base.axes.findIndex((axis) => axis.path.trim() === USERS_PATH);
  const users = usersAxis >= 0 ? point.values[usersAxis]!.value : undefined;
  return { fixed: [...base.sets], varied: [...varied, ...linkedOverrides(base.link, users)] };
}

/** Issues a varied value causes are named after `--vary`, the argument the user typed. */
function renameVaryIssues(error: InputError, varied: readonly string[]): InputError {
  const variedSources = new Set(varied.map(overrideSource));
  return new InputError(
    error.issues.map((issue) =>
      variedSources.has(issue.file) ? { ...issue, file: issue.file.replace(/^--set /, "--vary ") } : issue,
    ),
  );
}

/**
 * Loads one point's scenario exactly like `--set` would (typed and validated against the schema), and
 * the model it names (cached: most sweeps use one model).
 */
export function loadPoint(
  base: SweepBase,
  point: GridPoint,
  models = new Map<string, LoadedModel>(),
): LoadedPoint {
  const { fixed, varied } = pointOverrides(base, point);
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioText(base.loaded.text, base.loaded.file, [...fixed, ...varied]);
  } catch (error) {
    throw error instanceof InputError ? renameVaryIssues(error, varied) : error;
  }
  if (loaded.scenario.model === base.loaded.scenario.model) return { point, loaded, model: base.model };
  let model = models.get(loaded.scenario.model);
  if (!model) {
    model = loadModel(loaded.scenario.model, loaded.file);
    models.set(loaded.scenario.model, model);
  }
  return { point, loaded, model };
}

/** Loads every point up front, so a bad value stops the sweep before anything runs; all issues at once. */
export function loadPoints(base: SweepBase, points: readonly GridPoint[]): LoadedPoint[] {
  const models = new Map<string, LoadedModel>();
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  const loadedPoints: LoadedPoint[] = [];
  for (const point of points) {
    try {
      loadedPoints.push(loadPoint(base, point, models));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const issue of error.issues) {
        const key = JSON.stringify(issue);
        if (!seen.has(key) && issues.length < 20) issues.push(issue);
        seen.add(key);
      }
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return loadedPoints;
}
