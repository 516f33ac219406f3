/** One problem in a user-supplied file, positioned for `file:line:col: path: message` output. */
export interface InputIssue {
  file: string;
  /** 1-based; undefined when the problem has no position (e.g. a missing file). */
  line?: number;
  col?: number;
  /** Dotted path into the document (`deployment.coderd.replicas`), or "" for the whole file. */
  path: string;
  message: string;
}

/** Bad input (scenario, model, measured data, CLI value): the CLI prints every issue and exits 2. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];

  constructor(issues: InputIssue | readonly InputIssue[]) {
    const list = Array.isArray(issues) ? (issues as readonly InputIssue[]) : [issues as InputIssue];
    super(list.map(formatIssue).join("\n"));
    this.name = "InputError";
    this.issues = list;
  }
}

/** Longest file name or path shown in a message; a 100 KB `--set` argument is not echoed in full. */
const MAX_SHOWN_NAME = 200;
const MAX_SHOWN_MESSAGE = 2000;

// C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a terminal shows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from input made safe for a terminal: control characters (escape sequences, newlines, bidi
 * overrides) shown as `\x1b`-style escapes, and at most `max` characters kept.
 */
export function printable(text: string, max = MAX_SHOWN_NAME): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
  return cut.replace(UNSAFE_CHARACTERS, (ch) => {
    const code = ch.charCodeAt(0);
    if (ch === "\n") return "\\n";
    if (ch === "\t") return "\\t";
    if (ch === "\r") return "\\r";
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** GNU style, which terminals and editors turn into links; every part made printable, one line. */
export function formatIssue(issue: InputIssue): string {
  const file = printable(issue.file);
  const pos =
    issue.line === undefined
      ? file
      : `${file}:${issue.line}${issue.col === undefined ? "" : `:${issue.col}`}`;
  const message = printable(issue.message, MAX_SHOWN_MESSAGE);
  return issue.path ? `${pos}: ${printable(issue.path)}: ${message}` : `${pos}: ${message}`;
}

/** Exit codes, stable and documented in the README. */
export const ExitCode = {
  ok: 0,
  runtimeError: 1,
  badInput: 2,
  checksFailed: 3,
  interrupted: 130,
} as const;
