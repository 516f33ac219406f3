/**
 * Canonical number for `le` labels: Go's shortest %g (exponent below 1e-4 and from 1e+6, two-digit
 * exponent), with ".0" appended to integers, so 1 → "1.0", 0.001 → "0.001", 1e6 → "1e+06".
 */
export function canonicalFloat(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  if (v === 0) return "0.0";
  const [mantissa, expText] = v.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const plain = String(v);
  return plain.includes(".") ? plain : `${plain}.0`;
}
