import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

function isMissing(path: string): boolean {
  try {
    if (!statSync(path).isDirectory())
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: "ENOTDIR", path });
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return true;
    throw error;
  }
}

/**
 * `mkdir -p` one level at a time: Node 20's recursive mkdirSync loops forever under /proc, and a
 * file in the way should say so.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  while (isMissing(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}
