/** PromQL literals as Prometheus 2.42 reads them: Go string escapes, model.ParseDuration, strconv.ParseFloat. */
import { PromQLError } from "./errors.js";

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** The value of a quoted string literal ("..." and '...' with Go escapes, `...` raw). */
export function unquote(text: string, pos: number): string {
  const quote = text[0];
  if (text.length < 2 || text[text.length - 1] !== quote)
    throw new PromQLError("unterminated quoted string", pos);
  const body = text.slice(1, -1);
  if (quote === "`") return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      if (c === quote) throw new PromQLError(`unescaped ${quote} in string`, pos + 1 + i);
      out += c;
      continue;
    }
    const e = body[i + 1];
    const at = pos + 1 + i;
    if (e === undefined) throw new PromQLError("escape sequence not terminated", at);
    if (e === '"' || e === "'") {
      if (e !== quote) throw new PromQLError(`unknown escape sequence \\${e}`, at);
      out += e;
      i++;
    } else if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i++;
    } else if (e === "x" || e === "u" || e === "U") {
      const len = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex))
        throw new PromQLError(`invalid escape \\${e}${hex}`, at);
      const code = Number.parseInt(hex, 16);
      if (e !== "x" && (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)))
        throw new PromQLError(`invalid Unicode code point in \\${e}${hex}`, at);
      out += String.fromCodePoint(code);
      i += 1 + len;
    } else if (e >= "0" && e <= "7") {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || Number.parseInt(oct, 8) > 255)
        throw new PromQLError(`invalid octal escape \\${oct}`, at);
      out += String.fromCharCode(Number.parseInt(oct, 8));
      i += 3;
    } else {
      throw new PromQLError(`unknown escape sequence \\${e}`, at);
    }
  }
  return out;
}

const UNIT_MS: ReadonlyArray<readonly [string, number]> = [
  ["y", 365 * 24 * 3600_000],
  ["w", 7 * 24 * 3600_000],
  ["d", 24 * 3600_000],
  ["h", 3600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];

/** Milliseconds of a duration such as `90s` or `1h30m` (units in decreasing order, each at most once). */
export function parseDurationMs(text: string, pos: number): number {
  const parts = text.match(/[0-9]+(?:ms|[ywdhms])/g);
  if (!parts || parts.join("") !== text) throw new PromQLError(`not a valid duration string: "${text}"`, pos);
  let total = 0;
  let lastUnit = -1;
  for (const part of parts) {
    const unit = part.endsWith("ms") ? "ms" : part[part.length - 1]!;
    const index = UNIT_MS.findIndex(([u]) => u === unit);
    if (index <= lastUnit) throw new PromQLError(`not a valid duration string: "${text}"`, pos);
    lastUnit = index;
    total += Number(part.slice(0, part.length - unit.length)) * UNIT_MS[index]![1];
  }
  return total;
}

/** A number literal: decimal or scientific, 0x hex, octal with a leading 0, Inf, NaN (any case). */
export function parseNumber(text: string, pos: number): number {
  const t = text.replace(/\s+/g, "");
  const sign = t[0] === "-" ? -1 : 1;
  const body = t[0] === "-" || t[0] === "+" ? t.slice(1) : t;
  const lower = body.toLowerCase();
  if (lower === "inf" || lower === "infinity") return sign * Number.POSITIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * Number.parseInt(lower.slice(2), 16);
  if (/^0[0-7]+$/.test(body)) return sign * Number.parseInt(body, 8);
  if (/^([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/.test(lower)) return sign * Number(body);
  throw new PromQLError(`bad number or duration syntax: "${text}"`, pos);
}
