/** Who turned the draws off: the scenario (its `prediction.draws: 0`) or `--prediction-draws 0`. */
export type PredictionOffSource = "scenario" | "flag";

/** Why a run has no 90 % prediction interval although its model has uncertainty, and how to get one. */
export interface PredictionOff {
  source: PredictionOffSource;
  /** The command that computes the interval: this run's, with draws. */
  command: string;
  draws: number;
  /**
   * This run's wall time plus its draws at this run's time per replication: `low` with every job on a
   * core of its own, `high` one draw at a time (what a machine whose cores are busy gives), seconds.
   */
  estimated_wall_seconds: { low: number; high: number };
}

/**
 * The note for a run without draws: draws run `jobs` at a time after the replications, one replication
 * each. At best they take ceil(draws/jobs) rounds at the wall time this run took per round of
 * replications; on a shared machine the rounds slow down, down to one draw at a time.
 */
export function predictionOff(
  source: PredictionOffSource,
  command: string,
  run: { wallSeconds: number; replications: number; jobs: number; draws: number },
): PredictionOff {
  const jobs = Math.max(1, run.jobs);
  const perRound = run.wallSeconds / Math.ceil(run.replications / jobs);
  const perReplication = run.wallSeconds / run.replications;
  return {
    source,
    command,
    draws: run.draws,
    estimated_wall_seconds: {
      low: run.wallSeconds + Math.ceil(run.draws / jobs) * perRound,
      high: run.wallSeconds + run.draws * Math.max(perRound, perReplication),
    },
  };
}

/** The text report's line: the interval is missing, why, and the command (with its time) that gives it. */
export function predictionOffLine(p: PredictionOff): string {
  const why = p.source === "scenario" ? "the scenario sets prediction.draws: 0" : "--prediction-draws 0";
  const { low, high } = p.estimated_wall_seconds;
  const unit = high >= 120 ? "min" : "s";
  const show = (s: number) => (unit === "min" ? (s / 60).toFixed(0) : s.toFixed(0));
  const time = show(low) === show(high) ? show(high) : `${show(low)} to ${show(high)}`;
  return (
    `  No 90% prediction interval (parameter uncertainty): ${why}. For one: ${p.command} ` +
    `(about ${time} ${unit} wall here at this run's time per replication, the draws in parallel to one at a time; docs/uncertainty.md).`
  );
}
