/** Who turned the draws off: the scenario (its `prediction.draws: 0`) or `--prediction-draws 0`. */
export type PredictionOffSource = "scenario" | "flag";

/** Why a run has no 90 % prediction interval although its model has uncertainty, and how to get one. */
export interface PredictionOff {
  source: PredictionOffSource;
  /** The command that computes the interval: this run's, with draws. */
  command: string;
  draws: number;
  /** This run's wall time plus its draws at this run's measured time per replication round, seconds. */
  estimated_wall_seconds: number;
}

/**
 * The note for a run without draws: draws run `jobs` at a time after the replications, one replication
 * each, so they cost ceil(draws/jobs) rounds at the wall time this run took per round of replications.
 */
export function predictionOff(
  source: PredictionOffSource,
  command: string,
  run: { wallSeconds: number; replications: number; jobs: number; draws: number },
): PredictionOff {
  const jobs = Math.max(1, run.jobs);
  const perRound = run.wallSeconds / Math.ceil(run.replications / jobs);
  return {
    source,
    command,
    draws: run.draws,
    estimated_wall_seconds: run.wallSeconds + Math.ceil(run.draws / jobs) * perRound,
  };
}

/** The text report's line: the interval is missing, why, and the command (with its time) that gives it. */
export function predictionOffLine(p: PredictionOff): string {
  const why = p.source === "scenario" ? "the scenario sets prediction.draws: 0" : "--prediction-draws 0";
  const minutes = p.estimated_wall_seconds / 60;
  const time = minutes >= 2 ? `${minutes.toFixed(0)} min` : `${p.estimated_wall_seconds.toFixed(0)} s`;
  return (
    `  No 90% prediction interval (parameter uncertainty): ${why}. For one: ${p.command} ` +
    `(about ${time} wall here, from this run's time per replication; docs/uncertainty.md).`
  );
}
