/**
 * First characters that make a spreadsheet read a cell as a formula (`=HYPERLINK(...)`, `@SUM(...)`,
 * `+cmd|...`): OWASP's list, with the full-width forms csv-stringify's `escape_formulas` adds.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * A text cell (a string parameter, a resource name, an error message) as written: one that a
 * spreadsheet would run gets a leading `'`, as csv-stringify's `escape_formulas` does. Number cells are
 * never text cells, so `-0.5` stays a number.
 */
export function textCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A number cell as capsim writes it: empty, or a finite number in JavaScript's shortest form. */
export function isNumberCell(cell: string): boolean {
  return cell === "" || (Number.isFinite(Number(cell)) && String(Number(cell)) === cell);
}
