/** A PromQL text that does not parse, does not type-check, or cannot be evaluated (as Prometheus would refuse it). */
export class PromQLError extends Error {
  /** Character offset into the expression text the problem was found at (0 when it has no position). */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = "PromQLError";
    this.offset = offset;
  }
}
