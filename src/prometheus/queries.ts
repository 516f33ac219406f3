/** The shapes shared by the queries a measurement sends and the checks made on their answers. */

/** A query to send: `expr` at start, start + step, ... ≤ end (one instant when start = end). */
export interface Request {
  expr: string;
  start: number;
  end: number;
  step: number;
}

export const keyOf = (r: Request): string => `${r.expr}\n${r.start}\n${r.end}\n${r.step}`;

/** One query sent for a figure's window, and how many series answered. */
export interface SentQuery {
  figure: string;
  stage: string;
  /** The figure's PromQL, or the per-pod part of an aggregating recipe (checked for attribution). */
  part: "figure" | "per_series";
  endpoint: "query_range" | "query";
  promql: string;
  start: number;
  end: number;
  step: number;
  series: number;
}

/** `--selector`, and `--db-selector` for the database's recipes. */
export type Selectors = { selector?: string; dbSelector?: string };
