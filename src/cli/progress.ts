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
export function createProgress(
  label: string,
  opts: { enabled?: boolean; delayMs?: number; logEveryMs?: number } = {},
): Progress {
  const wanted = (opts.enabled ?? true) && process.env.CI !== "true";
  if (wanted && process.stderr.isTTY !== true && opts.logEveryMs !== undefined)
    return progressLines(label, opts.logEveryMs);
  if (!wanted || process.stderr.isTTY !== true) return { update() {}, stop() {} };
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

/**
 * Progress for a log (stderr redirected: a Kubernetes pod, `2>sweep.log`): one line at most every
 * `everyMs`, with the ETA, so hours of work are not silent until the end.
 */
function progressLines(label: string, everyMs: number): Progress {
  const started = Date.now();
  let last = started;
  return {
    update(fraction, note = "") {
      const now = Date.now();
      if (now - last < everyMs || fraction <= 0) return;
      last = now;
      const eta = ((now - started) / 1000) * ((1 - fraction) / fraction);
      process.stderr.write(
        `${label}: ${note} (${Math.floor(fraction * 100)}%), ETA ${formatDuration(eta)}\n`,
      );
    },
    stop() {},
  };
}

/** `45s`, `12m`, `3h05m`. */
function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
