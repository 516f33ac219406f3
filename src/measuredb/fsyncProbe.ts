import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * This machine's disk flush latency where a local server keeps its data (the temporary directory):
 * rewrite one 8 kB block and fdatasync it, as PostgreSQL's WAL flush does (wal_sync_method fdatasync,
 * Linux's default), for a fixed time. Also names the filesystem and device it ran on.
 */
export interface FsyncProbe {
  directory: string;
  filesystem: string;
  syncs: number;
  meanS: number;
  p50S: number;
  p95S: number;
}

const BLOCK = 8192;

export function probeFsync(seconds: number): FsyncProbe {
  const dir = mkdtempSync(join(tmpdir(), "capsim-fsync-probe-"));
  const times: number[] = [];
  try {
    const fd = openSync(join(dir, "block"), "w");
    const buf = Buffer.alloc(BLOCK, 1);
    const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
    try {
      while (process.hrtime.bigint() < end || times.length < 10) {
        buf[times.length % BLOCK] = times.length & 0xff; // a changed block, so the write is real
        const t0 = process.hrtime.bigint();
        writeSync(fd, buf, 0, BLOCK, 0);
        fdatasyncSync(fd);
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    directory: tmpdir(),
    filesystem: mountOf(tmpdir()),
    syncs: times.length,
    meanS: times.reduce((s, x) => s + x, 0) / times.length,
    p50S: at(0.5),
    p95S: at(0.95),
  };
}

/** "ext4 on /dev/vda (/)": the mount that holds `path`, from /proc/mounts (longest mount point prefix). */
function mountOf(path: string): string {
  try {
    let best: string[] | undefined;
    for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
      const f = line.split(" ");
      if (f.length < 3) continue;
      const mp = f[1]!;
      const under = path === mp || path.startsWith(mp.endsWith("/") ? mp : `${mp}/`);
      if (under && (!best || mp.length >= best[1]!.length)) best = f;
    }
    return best ? `${best[2]} on ${best[0]} (${best[1]})` : "unknown";
  } catch {
    return "unknown";
  }
}
