import cliProgress from "cli-progress";

export interface Progress {
  /** Sets progress in [0, 1]. */
  update(fraction: number, note?: string): void;
  stop(): void;
}

/**
 * A progress bar with ETA on stderr, only when stderr is a terminal, shown once the work has taken
 * longer than `delayMs` (short runs stay quiet). Never writes to stdout.
 */
export function createProgress(label: string, opts: { enabled?: boolean; delayMs?: number } = {}): Progress {
  const enabled = (opts.enabled ?? true) && process.stderr.isTTY === true && process.env.CI !== "true";
  if (!enabled) return { update() {}, stop() {} };
  const started = Date.now();
  const delay = opts.delayMs ?? 1000;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(fraction, note = "") {
      if (!bar) {
        if (Date.now() - started < delay) return;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} {note}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(1000, 0, { note });
      }
      bar.update(Math.round(fraction * 1000), { note });
    },
    stop() {
      bar?.stop();
    },
  };
}
