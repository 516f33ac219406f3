import {
  closeSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { makeDirectories } from "./directories.js";

/** Writes all of `data` at the file's current offset: writeSync may write less than asked (disk nearly full). */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let offset = 0;
  while (offset < bytes.length) {
    const n = writeSync(fd, bytes, offset, bytes.length - offset);
    if (n <= 0) throw Object.assign(new Error("write made no progress"), { code: "EIO" });
    offset += n;
  }
}

/** Where a write to `path` lands: through a symbolic link to its target, so the link survives. */
function targetOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isSpecialFile(path: string): boolean {
  try {
    const stats = statSync(path);
    return !stats.isFile() && !stats.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes a file so readers never see it half-written: write a temp file beside it, fsync, then rename.
 * A device the user named (/dev/null, /dev/stdout) is written to directly: renaming over it would
 * replace the device.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  if (isSpecialFile(path)) {
    writeFileSync(path, content);
    return;
  }
  const target = targetOf(path);
  const dir = dirname(target);
  makeDirectories(dir);
  const tmp = join(dir, `.capsim-tmp-${process.pid}-${Date.now()}-${basename(target).slice(0, 100)}`);
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
