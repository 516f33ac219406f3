const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds of a Go `time.Duration.String()` value such as `1m2.5s` or `350ms`; undefined if malformed. */
export function parseGoDurationSeconds(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text.trim());
  const body = match?.[2] ?? "";
  if (body === "0") return 0;
  if (body === "") return undefined;
  let total = 0;
  let rest = body;
  while (rest.length > 0) {
    const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!part) return undefined;
    total += Number(part[1]) * GO_UNITS[part[2]!]!;
    rest = rest.slice(part[0].length);
  }
  return match?.[1] === "-" ? -total : total;
}
