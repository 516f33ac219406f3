import { type LoadedScenario, loadScenarioText } from "../scenario/index.js";
import { pathKey } from "./grid.js";

export const USERS_PATH = "workload.users";
export const WORKSPACES_PATH = "workload.workspaces";

/**
 * When users are varied, workspaces (one agent each) keep the scenario's workspaces per user: a
 * scenario that writes `workspaces: 2000` next to `users: 2000` means "one per user", and scaling
 * users alone would leave the agents, most of the load, where they were.
 */
export interface LoadLink {
  follows: typeof USERS_PATH;
  path: typeof WORKSPACES_PATH;
  workspacesPerUser: number;
}

/**
 * The link, or null when users are not varied, the user fixes workspaces (`--set`/`--vary`), or the
 * scenario leaves workspaces to default to users (they follow by themselves).
 * `sets` are the `--set` arguments `base` was loaded with.
 */
export function loadLink(
  base: LoadedScenario,
  sets: readonly string[],
  variedPaths: readonly string[],
): LoadLink | null {
  const varied = new Set(variedPaths.map(pathKey));
  if (!varied.has(pathKey(USERS_PATH))) return null;
  const setPaths = sets.map((s) => s.slice(0, Math.max(0, s.indexOf("="))));
  const fixed = new Set([...setPaths.map(pathKey), ...varied]);
  const { users, workspaces } = base.scenario.workload;
  if (fixed.has(pathKey(WORKSPACES_PATH)) || users <= 0) return null;
  const moved = loadScenarioText(base.text, base.file, [...sets, `${USERS_PATH}=${users + 1}`]);
  if (moved.scenario.workload.workspaces !== workspaces) return null;
  return { follows: USERS_PATH, path: WORKSPACES_PATH, workspacesPerUser: workspaces / users };
}

/** The `--set` text the link adds for a number of users (none when users is not a number). */
export function linkedOverrides(link: LoadLink | null, users: unknown): string[] {
  if (!link || typeof users !== "number" || !Number.isFinite(users)) return [];
  return [`${WORKSPACES_PATH}=${Math.round(users * link.workspacesPerUser)}`];
}

/** One line for stderr so the link is never a surprise. */
export function describeLink(link: LoadLink): string {
  const ratio = Number(link.workspacesPerUser.toPrecision(6));
  return `${link.path} follows ${link.follows} (${ratio} per user, as in the scenario); --set ${link.path}=N to fix it`;
}
