import type { ConfigRow } from "./runData.js";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as one short line: distributions and small objects become `key=value` lists. */
export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value)) return value.map(formatConfigValue).join(", ");
  if (isPlainObject(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${formatConfigValue(v)}`)
      .join(" ");
  }
  return String(value);
}

/**
 * Flattens a resolved scenario or model into dotted paths. A `{value, source}` pair (how model
 * parameters cite their origin) is one row with its source; arrays of objects use their `name` when
 * they have one (`stages.ssh.start_s`), else the index.
 */
export function flattenConfig(value: unknown, prefix = ""): ConfigRow[] {
  if (isPlainObject(value)) {
    if ("value" in value && "source" in value && typeof value.source === "string") {
      return [{ path: prefix, value: formatConfigValue(value.value), source: value.source }];
    }
    return Object.entries(value).flatMap(([k, v]) => flattenConfig(v, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(value) && value.some(isPlainObject)) {
    return value.flatMap((item, i) => {
      const key = isPlainObject(item) && typeof item.name === "string" ? item.name : String(i);
      const rest = isPlainObject(item) && typeof item.name === "string" ? omitName(item) : item;
      return flattenConfig(rest, `${prefix}.${key}`);
    });
  }
  return [{ path: prefix, value: formatConfigValue(value) }];
}

function omitName(item: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...rest } = item;
  return rest;
}
