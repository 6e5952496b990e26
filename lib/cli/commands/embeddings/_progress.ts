/**
 * The progress bar of `llm embed-multi`: label, bar, count, percentage, rate and time left, redrawn on stderr
 * at most ten times a second, and only when stderr is a terminal (nothing at all on a pipe or in a file).
 * @module
 */
import type { Io } from "../../../commands/io.ts";

/** A running progress display. */
export interface Progress {
  /** Sets the number of items done. */
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`;
}

/** The line drawn for `done` of `total` items after `elapsedMs`, `width` columns wide at most. */
export function progressLine(
  label: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
  width: number,
): string {
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const rateText = `${rate >= 100 ? Math.round(rate) : rate.toFixed(1)}/s`;
  if (total === undefined || total <= 0) return `${label}  ${done}  ${rateText}`.slice(0, width);
  const fraction = Math.min(1, done / total);
  const eta = rate > 0 ? clock((total - done) / rate) : "-:--:--";
  const tail = `  ${done}/${total}  ${Math.floor(fraction * 100)}%  ${rateText}  ETA ${eta}`;
  // label, two spaces, [bar], tail: one column short of the width, so the cursor never wraps.
  const barWidth = Math.max(10, Math.min(40, width - 1 - label.length - 4 - tail.length));
  const filled = Math.round(fraction * barWidth);
  return `${label}  [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]${tail}`.slice(0, width - 1);
}

/** Starts a progress display for `total` items (unknown when `undefined`); a no-op unless stderr is a terminal. */
export function startProgress(io: Io, label: string, total: number | undefined): Progress {
  if (!io.stderr.isTerminal()) return { update() {}, finish() {} };
  const started = performance.now();
  let last = -Infinity;
  let done = 0;
  const draw = () => {
    io.stderr.write(
      `\r\x1b[2K${progressLine(label, done, total, performance.now() - started, io.columns())}`,
    );
  };
  draw();
  return {
    update(n: number) {
      done = n;
      const now = performance.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
    },
    finish() {
      draw();
      io.stderr.write("\n");
    },
  };
}
