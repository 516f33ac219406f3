import { intervalBounds, UNIT_RANGE } from "../engine/stats/confidence.js";

/** The replication-noise intervals of the sizing answer (stable JSON shape, docs/output.md). */
export interface UsersCi95 {
  /** 95 % CI of `users_at_80pct` over replications, [low, high] users; null with `users_ci95_note`. */
  users_at_80pct_ci95: [number, number] | null;
  users_at_100pct_ci95: [number, number] | null;
  /** Why the intervals are null although the extrapolation is offered; null otherwise. */
  users_ci95_note: string | null;
}

export const NO_USERS_CI: UsersCi95 = {
  users_at_80pct_ci95: null,
  users_at_100pct_ci95: null,
  users_ci95_note: null,
};

/** Users at which a resource is `level` busy, its utilisation `u` at `users` taken as proportional to users. */
export function usersAt(users: number, u: number, level: number): number {
  return Math.round((users * level) / u);
}

/**
 * The Student t 95 % CI of the resource's window-mean utilisation over replications, mapped through the
 * decreasing users·level/u: the low user count comes from the high utilisation.
 */
export function usersCi95(users: number, utilizations: readonly number[], resource: string): UsersCi95 {
  const bounds = intervalBounds(utilizations, 0.95, UNIT_RANGE);
  if (!bounds) return { ...NO_USERS_CI, users_ci95_note: "one replication: no interval over replications" };
  const [lo, hi] = bounds;
  if (!(lo > 0))
    return {
      ...NO_USERS_CI,
      users_ci95_note:
        `the 95 % CI of ${resource}'s utilisation reaches ${(lo * 100).toFixed(1)} %: ` +
        "replication noise as large as the load, no upper bound in users",
    };
  const at = (level: number): [number, number] => [usersAt(users, hi, level), usersAt(users, lo, level)];
  return { users_at_80pct_ci95: at(0.8), users_at_100pct_ci95: at(1), users_ci95_note: null };
}
