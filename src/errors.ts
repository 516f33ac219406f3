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

/** GNU style, which terminals and editors turn into links. */
export function formatIssue(issue: InputIssue): string {
  const pos =
    issue.line === undefined
      ? issue.file
      : `${issue.file}:${issue.line}${issue.col === undefined ? "" : `:${issue.col}`}`;
  return issue.path ? `${pos}: ${issue.path}: ${issue.message}` : `${pos}: ${issue.message}`;
}

/** Exit codes, stable and documented in the README. */
export const ExitCode = {
  ok: 0,
  runtimeError: 1,
  badInput: 2,
  checksFailed: 3,
  interrupted: 130,
} as const;
