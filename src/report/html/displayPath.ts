import { isAbsolute, relative, resolve } from "node:path";

/** A path as a reader wants it in a report header: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const absolute = resolve(path);
  const rel = relative(process.cwd(), absolute);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}
