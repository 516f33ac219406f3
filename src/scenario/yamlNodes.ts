import type { Document, LineCounter, Node, Pair } from "yaml";
import { isAlias, isMap, isScalar, isSeq } from "yaml";

/** One step of a path into a document: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** Where a path ends up in a YAML document: the value node and, for mapping entries, the key node. */
export interface NodeAtPath {
  node: unknown;
  keyNode?: unknown;
}

/** Aliases are followed when descending so that a path through `*anchor` still finds its node. */
export function resolveAlias(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyText(pair: Pair): string | undefined {
  const k = isScalar(pair.key) ? pair.key.value : pair.key;
  return k !== null && typeof k !== "object" ? String(k) : undefined;
}

/** Key → first index, per mapping: positioning 100 000 issues in one mapping must not be quadratic. */
const keyIndexes = new WeakMap<object, { length: number; index: Map<string, number> }>();

function keyIndex(map: { items: unknown[] }): Map<string, number> {
  const cached = keyIndexes.get(map);
  if (cached && cached.length === map.items.length) return cached.index;
  const index = new Map<string, number>();
  map.items.forEach((item, i) => {
    const key = keyText(item as Pair);
    if (key !== undefined && !index.has(key)) index.set(key, i);
  });
  keyIndexes.set(map, { length: map.items.length, index });
  return index;
}

/** Keys compare as text because JS objects (and zod paths) stringify YAML keys like `1:`. */
export function findPair(map: { items: unknown[] }, key: PathSegment): Pair | undefined {
  const wanted = String(key);
  let i = keyIndex(map).get(wanted);
  // Overrides replace pairs in place: a stale entry is rebuilt once.
  if (i !== undefined && keyText(map.items[i] as Pair) !== wanted) {
    keyIndexes.delete(map);
    i = keyIndex(map).get(wanted);
  }
  return i === undefined ? undefined : (map.items[i] as Pair);
}

/** A sequence index from a path segment (`1` or `"1"`), or undefined when it is not one. */
export function asIndex(segment: PathSegment): number | undefined {
  const n = typeof segment === "number" ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** The node a path designates, or undefined when some step does not exist. */
export function nodeAtPath(doc: Document, path: readonly PathSegment[]): NodeAtPath | undefined {
  let current: NodeAtPath = { node: doc.contents };
  for (const segment of path) {
    const container = resolveAlias(doc, current.node);
    if (isMap(container)) {
      const pair = findPair(container, segment);
      if (!pair) return undefined;
      current = { node: pair.value, keyNode: pair.key };
    } else if (isSeq(container)) {
      const index = asIndex(segment);
      if (index === undefined || index >= container.items.length) return undefined;
      current = { node: container.items[index] };
    } else {
      return undefined;
    }
  }
  return current;
}

/** Source offset of a node parsed from the file; nodes added by `--set` have none. */
export function offsetOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** 1-based line/column of the deepest node along `path` that came from the file. */
export function positionOfPath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
): { line: number; col: number } {
  for (let length = path.length; length >= 0; length--) {
    const found = nodeAtPath(doc, path.slice(0, length));
    const offset = offsetOf(found?.node) ?? (length > 0 ? offsetOf(found?.keyNode) : undefined);
    if (offset !== undefined) return lineCounter.linePos(offset);
  }
  return { line: 1, col: 1 };
}
