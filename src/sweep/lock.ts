import { closeSync, openSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { InputError } from "../errors.js";
import { writeAll } from "../output/atomicFile.js";
import { makeDirectories } from "../output/directories.js";

/** The lock file of a sweep's CSV: `<csv>.lock`, holding the owner's pid, host and start time. */
export function lockPath(csvPath: string): string {
  return `${csvPath}.lock`;
}

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/** A lock file older than this that names no owner (torn by a crash while being written) is stale. */
const UNREADABLE_LOCK_STALE_MS = 10_000;

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8").slice(0, 4096)) as Partial<LockOwner>;
    if (typeof owner.pid === "number" && typeof owner.host === "string")
      return { pid: owner.pid, host: owner.host, started: String(owner.started ?? "") };
  } catch {
    // fall through: not a lock we can read
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock left by a process that is gone: on this host with a dead pid, or unreadable and old. */
function isStale(path: string, owner: LockOwner | undefined): boolean {
  if (owner) return owner.host === hostname() && !isAlive(owner.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_LOCK_STALE_MS;
  } catch {
    return true;
  }
}

export interface SweepLock {
  release(): void;
  /** The lock a gone process left, taken over (its pid, host and start), if there was one. */
  takenFrom?: string;
}

/**
 * Takes the exclusive lock on a sweep's output: two sweeps writing one CSV would interleave their
 * rows. A lock whose owner is dead is taken over; a live one is bad input (exit 2) naming its pid.
 */
export function lockSweep(csvPath: string): SweepLock {
  const path = lockPath(csvPath);
  makeDirectories(dirname(path));
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  let takenFrom: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      try {
        writeAll(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(path);
      const who = owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.started}` : "an unknown process";
      if (attempt < 3 && isStale(path, owner)) {
        unlinkSync(path);
        takenFrom = who;
        continue;
      }
      throw new InputError({
        file: "--out",
        path: "",
        message:
          `${csvPath} is in use by another capsim sweep (${who}); wait for it to finish, ` +
          `or delete ${path} if that process is gone`,
      });
    }
  }
  const release = () => {
    const owner = readOwner(path);
    if (owner?.pid === me.pid && owner.host === me.host && owner.started === me.started) unlinkSync(path);
    process.off("exit", release);
  };
  // A thrown error or process.exit still releases it; only SIGKILL leaves it, and that one is stale.
  process.on("exit", release);
  return takenFrom === undefined ? { release } : { release, takenFrom };
}
