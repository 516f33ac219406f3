/** Unit names capsim knows, each with its dimension and its factor to that dimension's SI unit. */
interface UnitDef {
  dimension: Dimension;
  factor: number;
}

type Dimension = "time" | "fraction" | "bytes" | "rate" | "cpu" | "byte_rate";

/** The SI unit each dimension is normalised to at the reader boundary. */
export const SI_UNIT: Readonly<Record<Dimension, string>> = {
  time: "s",
  fraction: "1",
  bytes: "bytes",
  rate: "1/s",
  cpu: "vcpu",
  byte_rate: "bytes_per_s",
};

// GB is decimal (1e9) because the unit string is SI; GiB is spelt out where meant.
const UNITS: Readonly<Record<string, UnitDef>> = {
  s: { dimension: "time", factor: 1 },
  ms: { dimension: "time", factor: 1e-3 },
  us: { dimension: "time", factor: 1e-6 },
  ns: { dimension: "time", factor: 1e-9 },
  min: { dimension: "time", factor: 60 },
  h: { dimension: "time", factor: 3600 },
  "1": { dimension: "fraction", factor: 1 },
  "%": { dimension: "fraction", factor: 0.01 },
  bytes: { dimension: "bytes", factor: 1 },
  kb: { dimension: "bytes", factor: 1e3 },
  mb: { dimension: "bytes", factor: 1e6 },
  gb: { dimension: "bytes", factor: 1e9 },
  kib: { dimension: "bytes", factor: 1024 },
  mib: { dimension: "bytes", factor: 1024 ** 2 },
  gib: { dimension: "bytes", factor: 1024 ** 3 },
  "1/s": { dimension: "rate", factor: 1 },
  "1/min": { dimension: "rate", factor: 1 / 60 },
  vcpu: { dimension: "cpu", factor: 1 },
  millicores: { dimension: "cpu", factor: 1e-3 },
  bytes_per_s: { dimension: "byte_rate", factor: 1 },
};

export const KNOWN_UNITS: readonly string[] = Object.keys(UNITS);

export function isKnownUnit(unit: string): boolean {
  return Object.hasOwn(UNITS, unit);
}

/** `value` expressed in `to`, or undefined when the units measure different things. */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  const a = UNITS[from];
  const b = UNITS[to];
  if (!a || !b || a.dimension !== b.dimension) return undefined;
  return from === to ? value : scaleBy(value, a.factor / b.factor);
}

/** value × factor, dividing by an integer inverse instead so 60 ms → 0.06 s and 82.5 % → 0.825 stay exact. */
export function scaleBy(value: number, factor: number): number {
  const inverse = Math.round(1 / factor);
  return factor < 1 && Math.abs(inverse * factor - 1) < 1e-12 ? value / inverse : value * factor;
}

/** The SI unit for a known unit (`ms` → `s`), or undefined for an unknown one. */
export function siUnitOf(unit: string): string | undefined {
  const def = UNITS[unit];
  return def ? SI_UNIT[def.dimension] : undefined;
}

/** A number with the unit suffix Grafana's "Formatted data" export appends, converted to SI. */
export interface Quantity {
  value: number;
  unit: string;
}

// Suffixes Grafana's value formatters print, mapped to a factor and an SI unit.
const SUFFIXES: Readonly<Record<string, { factor: number; unit: string }>> = {
  ns: { factor: 1e-9, unit: "s" },
  µs: { factor: 1e-6, unit: "s" },
  us: { factor: 1e-6, unit: "s" },
  ms: { factor: 1e-3, unit: "s" },
  s: { factor: 1, unit: "s" },
  sec: { factor: 1, unit: "s" },
  min: { factor: 60, unit: "s" },
  hour: { factor: 3600, unit: "s" },
  h: { factor: 3600, unit: "s" },
  "%": { factor: 0.01, unit: "1" },
  B: { factor: 1, unit: "bytes" },
  kB: { factor: 1e3, unit: "bytes" },
  KB: { factor: 1e3, unit: "bytes" },
  MB: { factor: 1e6, unit: "bytes" },
  GB: { factor: 1e9, unit: "bytes" },
  TB: { factor: 1e12, unit: "bytes" },
  KiB: { factor: 1024, unit: "bytes" },
  MiB: { factor: 1024 ** 2, unit: "bytes" },
  GiB: { factor: 1024 ** 3, unit: "bytes" },
  TiB: { factor: 1024 ** 4, unit: "bytes" },
  "B/s": { factor: 1, unit: "bytes_per_s" },
  "kB/s": { factor: 1e3, unit: "bytes_per_s" },
  "MB/s": { factor: 1e6, unit: "bytes_per_s" },
  "GB/s": { factor: 1e9, unit: "bytes_per_s" },
  "KiB/s": { factor: 1024, unit: "bytes_per_s" },
  "MiB/s": { factor: 1024 ** 2, unit: "bytes_per_s" },
  "GiB/s": { factor: 1024 ** 3, unit: "bytes_per_s" },
  "req/s": { factor: 1, unit: "1/s" },
  reqps: { factor: 1, unit: "1/s" },
  rps: { factor: 1, unit: "1/s" },
  "ops/s": { factor: 1, unit: "1/s" },
  opsps: { factor: 1, unit: "1/s" },
  iops: { factor: 1, unit: "1/s" },
  "/s": { factor: 1, unit: "1/s" },
  K: { factor: 1e3, unit: "1" },
  Mil: { factor: 1e6, unit: "1" },
  Bil: { factor: 1e9, unit: "1" },
  cores: { factor: 1, unit: "vcpu" },
};

const QUANTITY = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµμ%/].*)?$/;

/**
 * Parses `12.3 ms`, `45%`, `1.5 GiB` or a bare number into SI. Undefined when the text is not a
 * number at all; `{unknownSuffix}` when the suffix is not one capsim can convert.
 */
export function parseQuantity(text: string): Quantity | { unknownSuffix: string } | undefined {
  const trimmed = text.trim();
  const special = parseSpecialFloat(trimmed);
  if (special !== undefined) return { value: special, unit: "1" };
  const match = QUANTITY.exec(trimmed);
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2]?.trim();
  if (suffix === undefined) return { value, unit: "1" };
  const known = SUFFIXES[suffix];
  if (!known) return { unknownSuffix: suffix };
  return { value: scaleBy(value, known.factor), unit: known.unit };
}

/** Prometheus and Go float spellings that `Number()` does not accept. */
export function parseSpecialFloat(text: string): number | undefined {
  switch (text) {
    case "NaN":
    case "nan":
      return Number.NaN;
    case "+Inf":
    case "Inf":
    case "+inf":
    case "inf":
      return Number.POSITIVE_INFINITY;
    case "-Inf":
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    default:
      return undefined;
  }
}

/** A Prometheus float: decimal, exponent, hex-free, or NaN / ±Inf. Undefined when malformed. */
export function parsePromFloat(text: string): number | undefined {
  const special = parseSpecialFloat(text);
  if (special !== undefined) return special;
  if (!/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** SI unit of a gauge or histogram by Prometheus naming convention (`_seconds`, `_bytes`, `_ratio`). */
export function unitOfPromName(name: string): string {
  const base = name.replace(/_total$/, "");
  if (base.endsWith("_seconds")) return "s";
  if (base.endsWith("_bytes")) return "bytes";
  return "1";
}

/** SI unit of the per-second rate of a counter: CPU seconds per second are vCPUs. */
export function rateUnitOfPromName(name: string): string {
  const base = name.replace(/_total$/, "");
  if (base.endsWith("_seconds")) return /cpu/.test(base) ? "vcpu" : "1";
  // Some exporters put the unit mid-name (coderd_scaletest_bytes_read_total).
  if (/_bytes(_|$)/.test(base)) return "bytes_per_s";
  return "1/s";
}
