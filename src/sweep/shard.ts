import { InputError } from "../errors.js";

/** Shard `index` of `count` (1-based, as vitest and Playwright number them). */
export interface Shard {
  index: number;
  count: number;
}

/** Round-robin: point k belongs to shard (k mod n) + 1, which balances cheap and costly points. */
export function inShard(pointIndex: number, shard: Shard | null): boolean {
  return shard === null || pointIndex % shard.count === shard.index - 1;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError({
      file: "--shard",
      path: "",
      message: `expected i/n with 1 <= i <= n, got "${text}"`,
    });
  }
  return { index, count };
}

/** `--shard-from-env`: Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (0-based) in every pod. */
export function shardFromEnv(env: NodeJS.ProcessEnv, count: number | undefined): Shard {
  if (count === undefined) {
    throw new InputError({
      file: "--shard-from-env",
      path: "",
      message: "needs --shards n (the Job's completions)",
    });
  }
  const raw = env.JOB_COMPLETION_INDEX;
  if (raw === undefined || !/^\d+$/.test(raw.trim())) {
    throw new InputError({
      file: "JOB_COMPLETION_INDEX",
      path: "",
      message:
        raw === undefined
          ? "not set (is this pod part of an Indexed Job?)"
          : `expected a 0-based index, got "${raw}"`,
    });
  }
  const zeroBased = Number(raw.trim());
  if (zeroBased >= count) {
    throw new InputError({
      file: "JOB_COMPLETION_INDEX",
      path: "",
      message: `index ${zeroBased} is out of range for --shards ${count} (indexes 0..${count - 1})`,
    });
  }
  return { index: zeroBased + 1, count };
}
