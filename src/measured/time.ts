/** Unix seconds later than this are almost certainly milliseconds (this is the year 5138). */
const MAX_PLAUSIBLE_UNIX_SECONDS = 1e11;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;
const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** A parsed instant, with a note when the reading involved an assumption. */
export interface ParsedTime {
  seconds: number;
  assumption?: string;
}

/**
 * Unix seconds from a number of unix seconds or an RFC 3339 string. Returns a message string when the
 * input is neither, so callers can position the error.
 */
export function parseUnixSecondsOrRfc3339(value: unknown): number | string {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return "must be unix seconds or an RFC 3339 time";
    if (value > MAX_PLAUSIBLE_UNIX_SECONDS) return `${value} looks like milliseconds; give unix seconds`;
    return value;
  }
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return parseUnixSecondsOrRfc3339(Number(trimmed));
    if (RFC3339.test(trimmed)) {
      const ms = Date.parse(trimmed.replace(" ", "T"));
      if (Number.isFinite(ms)) return ms / 1000;
    }
    if (ZONELESS.test(trimmed)) return `"${value}" has no time zone; add Z or an offset such as +02:00`;
  }
  return "must be unix seconds or an RFC 3339 time such as 2024-03-01T10:00:00Z";
}

/**
 * A Grafana export time: epoch milliseconds (Formatted data off) or a date string (on). Zone-less
 * strings are in the exporting browser's zone, which the file does not record, so they are read as UTC.
 */
export function parseGrafanaTime(text: string): ParsedTime | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return { seconds: Number(trimmed) / 1000 };
  if (RFC3339.test(trimmed)) {
    const ms = Date.parse(trimmed.replace(" ", "T"));
    return Number.isFinite(ms) ? { seconds: ms / 1000 } : undefined;
  }
  if (ZONELESS.test(trimmed)) {
    const ms = Date.parse(`${trimmed.replace(" ", "T")}Z`);
    if (!Number.isFinite(ms)) return undefined;
    return { seconds: ms / 1000, assumption: "time column has no zone; read as UTC" };
  }
  return undefined;
}

/** Unix seconds of an RFC 3339 string, or undefined. */
export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim().replace(" ", "T"));
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}
