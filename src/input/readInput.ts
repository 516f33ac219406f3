import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { InputError } from "../errors.js";
import { describeBytes } from "./limits.js";

export interface ReadInputOptions {
  /** What the file is, for messages ("scenario", "model", "measured data"). */
  what: string;
  /** Larger files are refused (exit 2) without being read past this many bytes. */
  maxBytes: number;
  /** The option that raises the cap, named in the refusal (e.g. "--max-input-mb"). */
  raiseWith?: string;
}

/** What a non-regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFIFO()) return "a pipe";
  if (stats.isSocket()) return "a socket";
  return "not a regular file";
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ELOOP") return "too many symbolic links";
  if (code === "ENAMETOOLONG") return "file name too long";
  return code ?? (error as Error).message;
}

/**
 * Reads a file given as input, as UTF-8, only when it is a regular file of at most `maxBytes`:
 * devices, pipes and directories are refused at once, and no more than maxBytes + 1 bytes are ever
 * read (a file growing under us, or a /proc file reporting size 0, cannot make it read forever).
 */
export function readInputText(path: string, opts: ReadInputOptions): string {
  const refuse = (message: string): never => {
    throw new InputError({ file: path, path: "", message });
  };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return refuse(`cannot read: ${reasonOf(error)}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refuse(`cannot read: ${kindOf(stats)}, not a regular file`);
    const tooLarge = (size: string) =>
      refuse(
        `${opts.what} file too large (${size}; the limit is ${describeBytes(opts.maxBytes)}` +
          `${opts.raiseWith ? `, raise it with ${opts.raiseWith}` : ""})`,
      );
    if (stats.size > opts.maxBytes) return tooLarge(describeBytes(stats.size));
    return readBounded(fd, opts.maxBytes, () => tooLarge(`more than ${describeBytes(opts.maxBytes)}`));
  } catch (error) {
    if (error instanceof InputError) throw error;
    return refuse(`cannot read: ${reasonOf(error)}`);
  } finally {
    closeSync(fd);
  }
}

/** Reads until end of file, never more than maxBytes + 1 bytes. */
function readBounded(fd: number, maxBytes: number, onTooLarge: () => never): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunkSize = Math.min(1 << 20, maxBytes + 1);
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    chunks.push(n === buffer.length ? buffer : buffer.subarray(0, n));
    total += n;
    if (total > maxBytes) onTooLarge();
  }
  return Buffer.concat(chunks, total).toString("utf8");
}
