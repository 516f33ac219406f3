import { closeSync, openSync, realpathSync, type Stats, statSync, unlinkSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";

/**
 * The path policy (docs/security.md): output locations capsim picks itself stay inside results/, named
 * by a slug of the scenario name; paths the user passes in an option (--out, --openmetrics, ...) are
 * theirs and used as given, but checked before any work; files read as input are read by readInputText.
 */
export const RESULTS_DIR = "results";

const MAX_SLUG_LENGTH = 100;

/**
 * A file-name-safe form of a scenario name: letters, digits, `.`, `_` and `-` only, no `..`, no leading
 * dot, at most 100 characters. `../../etc` becomes `etc`, `a/b` becomes `a-b`.
 */
export function safeSlug(name: string): string {
  const slug = name
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/[-.]+$/, "");
  return slug === "" ? "unnamed" : slug;
}

/**
 * `results/<slug of name>` under `cwd`, proven to be inside results/, also once symbolic links are
 * followed: a checkout may carry `results/<name>` or `results/<name>/<file>` as a link out of it.
 * `files` are the names capsim writes there. results/ itself may be a link (to a bigger disk).
 */
export function defaultOutputDir(name: string, cwd = process.cwd(), files: readonly string[] = []): string {
  const root = resolve(cwd, RESULTS_DIR);
  const dir = join(root, safeSlug(name));
  if (!isInside(root, dir)) {
    throw new InputError({ file: "name", path: "name", message: `cannot make an output folder name of it` });
  }
  const realRoot = realPathOf(root);
  for (const path of [dir, ...files.map((f) => join(dir, f))]) {
    const real = realPathOf(path);
    if (!isInside(realRoot, real)) {
      throw new InputError({
        file: path,
        path: "",
        message: `a symbolic link leads out of ${RESULTS_DIR}/ (to ${real}); remove it, or choose the place with --out`,
      });
    }
  }
  return dir;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** The path with every symbolic link of its existing part resolved (the rest as given). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPathOf(parent), basename(path));
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    ENOENT: "cannot create files there",
    ENOTDIR: "a part of the path is not a directory",
    ENAMETOOLONG: "file name too long",
    ELOOP: "too many symbolic links",
  };
  return (code && reasons[code]) ?? (error as Error).message;
}

/** The closest directory of `path` (itself included) that exists; a file on the way is an error. */
function nearestExisting(path: string, option: string): { dir: string; exists: boolean } {
  let current = path;
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats) {
      if (!stats.isDirectory()) {
        throw new InputError({
          file: option,
          path: "",
          message: `${current === path ? path : `${path}: ${current}`} is a file, not a directory`,
        });
      }
      return { dir: current, exists: current === path };
    }
    const parent = dirname(current);
    if (parent === current) return { dir: current, exists: false };
    current = parent;
  }
}

/** Creates and removes a file in `dir`: the only reliable test (root ignores modes; EROFS, /proc, quotas). */
function probeWritable(dir: string, option: string, target: string): void {
  const probe = join(dir, `.capsim-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (error) {
    throw new InputError({ file: option, path: "", message: `cannot write ${target}: ${reasonOf(error)}` });
  }
}

/**
 * Checks, before any work, that `dir` is (or can be created as) a writable directory. Nothing is
 * created: a probe file is made and removed in the closest existing directory.
 */
export function checkOutputDirectory(dir: string, option: string): void {
  const { dir: existing } = nearestExisting(dir, option);
  probeWritable(existing, option, dir);
}

/**
 * Checks, before any work, that `file` can be written: not a directory, its folder writable or
 * creatable. An existing regular file is replaced; a device (e.g. /dev/null) is written to as it is.
 */
export function checkOutputFile(file: string, option: string, opts: { regularOnly?: boolean } = {}): void {
  const stats = statOrUndefined(file);
  if (stats?.isDirectory()) {
    throw new InputError({ file: option, path: "", message: `${file} is a directory; give a file name` });
  }
  if (stats && !stats.isFile() && opts.regularOnly) {
    throw new InputError({ file: option, path: "", message: `${file} is not a regular file` });
  }
  if (stats && !stats.isFile()) return;
  checkOutputDirectory(dirname(file), option);
}

/**
 * A file a scenario names (e.g. `workload.day_profile`), confined like capsim's own output under
 * results/: relative to the scenario's folder and inside it once symbolic links are followed, so a
 * scenario cannot make capsim read `/etc/shadow` or `../../secrets`. `where` positions the refusal.
 */
export function confinedInputPath(
  baseDir: string,
  given: string,
  where: { file: string; path: string },
): string {
  const refuse = (message: string): never => {
    throw new InputError({ file: where.file, path: where.path, message });
  };
  if (isAbsolute(given)) refuse("give a path relative to the scenario's folder, not an absolute one");
  const root = realOrSelf(resolve(baseDir));
  const target = realOrSelf(resolve(baseDir, given));
  const rel = relative(root, target);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel))
    refuse("the file must be inside the scenario's folder (no `..` out of it, no link leading out)");
  return target;
}

/** The path with symbolic links resolved, or as given when it does not exist (reading it then says so). */
function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
