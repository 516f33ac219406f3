import { readdirSync, readFileSync } from "node:fs";
import { processCpuSeconds } from "./measure.js";

/**
 * The CPU time of a whole local PostgreSQL: the postmaster, every child process alive (backends, WAL
 * writer, checkpointer, background writer, autovacuum, I/O workers) and the children that exited (the
 * postmaster's reaped-children time, /proc/<pid>/stat cutime + cstime), by role. Sampled every second so a
 * short-lived process (an autovacuum worker, a pooled connection closed) keeps its role.
 */
export interface CpuByRole {
  /** CPU-seconds per role over the window. */
  roles: Record<string, number>;
  /** All of the server's CPU-seconds over the window (the roles plus exited processes' unsampled tail). */
  total: number;
}

interface Seen {
  role: string;
  /** CPU at the window's start (0 for a process born inside it), and at the last sample. */
  base: number;
  last: number;
}

const TICKS = 100;

/** CPU-seconds of the postmaster's exited children (clock ticks: USER_HZ is 100 on Linux). */
export function reapedChildrenSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) / TICKS;
}

export function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** "postgres: walwriter" → "walwriter"; a backend → "backend" (the caller names known backends). */
function roleFromCmdline(pid: number): string {
  const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  const m = /^postgres: (.*)$/.exec(cmd);
  if (!m) return "other";
  const what = m[1]!;
  for (const role of [
    "walwriter",
    "checkpointer",
    "background writer",
    "autovacuum launcher",
    "autovacuum worker",
    "logical replication launcher",
    "io worker",
    "walsummarizer",
  ]) {
    if (what.startsWith(role)) return role;
  }
  return "backend";
}

export class ServerCpuSampler {
  private readonly seen = new Map<number, Seen>();
  private reapedBase = 0;
  private postmasterBase = 0;

  /** `backendRole(pid)` names a backend the caller knows (a pool's, a listener's), else undefined. */
  constructor(
    private readonly postmaster: number,
    private readonly backendRole: (pid: number) => string | undefined,
  ) {}

  /** The postmaster of a backend whose pid is known (pg_backend_pid()). */
  static postmasterOf(backendPid: number): number {
    return parentOf(backendPid);
  }

  private children(): number[] {
    const out: number[] = [];
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      try {
        if (parentOf(pid) === this.postmaster) out.push(pid);
      } catch {
        // exited while listing
      }
    }
    return out;
  }

  start(): void {
    this.seen.clear();
    this.reapedBase = reapedChildrenSeconds(this.postmaster);
    this.postmasterBase = processCpuSeconds(this.postmaster);
    for (const pid of this.children()) this.observe(pid, true);
  }

  /** Reads every live child's CPU; call about every second during the window. */
  sample(): void {
    for (const pid of this.children()) this.observe(pid, false);
  }

  private observe(pid: number, atStart: boolean): void {
    try {
      const cpu = processCpuSeconds(pid);
      const s = this.seen.get(pid);
      if (s) s.last = cpu;
      else {
        const role = this.backendRole(pid) ?? roleFromCmdline(pid);
        this.seen.set(pid, { role, base: atStart ? cpu : 0, last: cpu });
      }
    } catch {
      // exited between listing and reading: its time is in the reaped total
    }
  }

  stop(): CpuByRole {
    const live = new Set(this.children());
    for (const pid of live) this.observe(pid, false);
    const roles: Record<string, number> = {};
    let sampled = 0;
    let exitedSampled = 0;
    for (const [pid, s] of this.seen) {
      const used = s.last - s.base;
      // A pooled connection seen while it was still connecting is named now that its pid is known.
      const role = this.backendRole(pid) ?? s.role;
      roles[role] = (roles[role] ?? 0) + used;
      sampled += used;
      // An exited process's whole life is in the reaped total.
      if (!live.has(pid)) exitedSampled += s.last;
    }
    // Reaped time not seen by a sample: processes born and gone between samples, exited ones' last moments.
    const reaped = reapedChildrenSeconds(this.postmaster) - this.reapedBase;
    const unsampled = Math.max(0, reaped - exitedSampled);
    roles.postmaster = processCpuSeconds(this.postmaster) - this.postmasterBase;
    roles["exited, unsampled"] = unsampled;
    return { roles, total: sampled + unsampled + roles.postmaster };
  }
}
