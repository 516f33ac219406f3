const MIB = 1024 * 1024;

/**
 * Size caps of files read as input (docs/security.md). Scenario and model files are a few KB (the
 * shipped ones: 2.3 and 13.5 KB); the caps leave 100x room and keep YAML parsing (about 30 µs of CPU
 * per key) under a second. Measured data is capped so parsing stays well under 1.5 GB of memory;
 * `--max-input-mb` raises it. Measured YAML, parsed into a document tree, has its own smaller cap.
 */
export const DEFAULT_INPUT_LIMITS = {
  scenarioBytes: 256 * 1024,
  modelBytes: 512 * 1024,
  measuredBytes: 32 * MIB,
  measuredYamlBytes: 1 * MIB,
  /** A sweep CSV or its sidecar, read back by --resume, merge and report. */
  sweepBytes: 256 * MIB,
  /** A run's summary JSON or timeseries.csv, read back by `capsim report`. */
  runOutputBytes: 256 * MIB,
} as const;

export type InputLimits = { -readonly [K in keyof typeof DEFAULT_INPUT_LIMITS]: number };

/** The caps in force: the defaults, or what the command line set (one process runs one command). */
export const inputLimits: InputLimits = { ...DEFAULT_INPUT_LIMITS };

/** The option that raises the measured-data cap, named in refusals. */
export const MAX_INPUT_OPTION = "--max-input-mb";

/** Applies `--max-input-mb` to measured data. */
export function setMeasuredLimitMb(mb: number): void {
  inputLimits.measuredBytes = Math.floor(mb * MIB);
}

/** `12.3 MiB`, `512 KiB`, `40 B`. */
export function describeBytes(bytes: number): string {
  if (bytes >= MIB) return `${Number((bytes / MIB).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} B`;
}
