/**
 * Server-Sent Events helpers for the loopback OpenAI test server: framing events, cutting bodies at odd byte
 * boundaries, and a paced byte stream that flushes each piece, can stop short, and stops when the server closes.
 * @module
 */

const encoder = new TextEncoder();

/** The line the OpenAI API sends to end a Chat Completions or Completions stream. */
export const SSE_DONE = "data: [DONE]\n\n";

/**
 * Frames one SSE event: an optional `event:` line, a `data:` line holding `data` as compact JSON (or the string
 * itself when `data` is a string), and the blank line that ends the event.
 */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`;
}

/**
 * Cuts `bytes` into pieces of `size` bytes (the last one may be shorter), ignoring UTF-8 and SSE boundaries on
 * purpose, so that parsers meet events and characters split across reads.
 */
export function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Cannot split a body every ${size} bytes: use a whole number of at least 1`);
  }
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) pieces.push(bytes.subarray(start, start + size));
  return pieces;
}

/** Encodes strings as UTF-8 byte pieces, one per string. */
export function encodePieces(pieces: string[]): Uint8Array[] {
  return pieces.map((piece) => encoder.encode(piece));
}

/** Options of {@linkcode pacedStream}. */
export interface PacedStreamOptions {
  /** Milliseconds to wait between two pieces (none before the first or after the last). */
  delayMs?: number;
  /** Aborting it stops the stream at once, wherever it is, and clears any pending timer. */
  signal: AbortSignal;
  /** Called once when the stream is finished, whichever way (end, abort or client gone). */
  onSettled?: () => void;
}

/**
 * A byte stream that writes `pieces` one at a time, waiting `delayMs` between them. Each piece is enqueued only
 * when the previous one has been taken, so the HTTP server writes it to the socket before the next exists.
 * Aborting `signal` closes the stream early; the client sees a truncated body (an error when the response
 * carries a `content-length` longer than what was sent).
 */
export function pacedStream(pieces: Uint8Array[], options: PacedStreamOptions): ReadableStream<Uint8Array> {
  const { delayMs = 0, signal, onSettled } = options;
  let index = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let settled = false;
  let cancelled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    signal.removeEventListener("abort", onAbort);
    wake?.();
    onSettled?.();
  };
  const onAbort = (): void => settle();
  signal.addEventListener("abort", onAbort);
  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(() => {
        timer = undefined;
        wake = undefined;
        resolve();
      }, delayMs);
    });
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      if (index > 0 && delayMs > 0 && !settled) await pause();
      if (cancelled) return;
      if (settled || signal.aborted || index >= pieces.length) {
        settle();
        controller.close();
        return;
      }
      controller.enqueue(pieces[index++]);
      if (index >= pieces.length) {
        settle();
        controller.close();
      }
    },
    cancel(): void {
      cancelled = true;
      settle();
    },
  }, { highWaterMark: 0 });
}

/** Total length in bytes of `pieces`. */
export function byteLength(pieces: Uint8Array[]): number {
  return pieces.reduce((total, piece) => total + piece.length, 0);
}
