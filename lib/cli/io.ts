/**
 * Standard streams for the CLI, behind a small interface so tests can run commands in-process and read what
 * they wrote. Output is unbuffered: every `write` goes out at once, so streamed model output appears as it
 * arrives. Also: colour helpers that colour only on a terminal and never when `NO_COLOR` is set, a stderr
 * spinner for terminals, and helpers that read all of stdin.
 *
 * @module
 */

import type { Io, OutputStream } from "../commands/io.ts";
import { type AnsiStyle, styled } from "../terminal/styles.ts";

const encoder = new TextEncoder();

function writeAllSync(file: { writeSync(p: Uint8Array): number }, data: string | Uint8Array): void {
  let bytes = typeof data === "string" ? encoder.encode(data) : data;
  while (bytes.length > 0) {
    bytes = bytes.subarray(file.writeSync(bytes));
  }
}

function terminalColumns(): number {
  // Asked only when a stream is a terminal: the size query throws otherwise, and a process's first
  // exception costs about a millisecond (measured on `llm models list`).
  if (Deno.stdout.isTerminal() || Deno.stderr.isTerminal()) {
    try {
      const { columns } = Deno.consoleSize();
      if (columns > 0) return columns;
    } catch {
      // Not a terminal after all.
    }
  }
  const fromEnv = Number(Deno.env.get("COLUMNS"));
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/** The process's real stdin, stdout and stderr. */
export function denoIo(): Io {
  return {
    stdout: { write: (d) => writeAllSync(Deno.stdout, d), isTerminal: () => Deno.stdout.isTerminal() },
    stderr: { write: (d) => writeAllSync(Deno.stderr, d), isTerminal: () => Deno.stderr.isTerminal() },
    stdin: {
      isTerminal: () => Deno.stdin.isTerminal(),
      get readable() {
        return Deno.stdin.readable;
      },
      setRaw: (raw) => Deno.stdin.setRaw(raw),
    },
    columns: terminalColumns,
  };
}

/** Options for {@link memoryIo}. */
export interface MemoryIoOptions {
  /** What stdin holds. Without it stdin is an empty stream. */
  stdin?: string | Uint8Array;
  /** Pretend every stream is a terminal (default false). */
  terminal?: boolean;
  /** The terminal width (default 80). */
  columns?: number;
}

/** An {@link Io} that keeps output in memory; `stdoutText()` and `stderrText()` return what was written. */
export interface MemoryIo extends Io {
  /** Everything written to stdout, decoded as UTF-8. */
  stdoutText(): string;
  /** Everything written to stderr, decoded as UTF-8. */
  stderrText(): string;
}

/**
 * An in-memory {@link Io}, for running commands in-process (tests, scripts embedding the CLI).
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * const io = memoryIo({ stdin: "hello" });
 * io.stdout.write("out\n");
 * console.log(io.stdoutText()); // "out\n"
 * ```
 */
export function memoryIo(options: MemoryIoOptions = {}): MemoryIo {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const terminal = options.terminal ?? false;
  const input = typeof options.stdin === "string" ? encoder.encode(options.stdin) : options.stdin;
  const sink = (chunks: Uint8Array[]): OutputStream => ({
    write: (d) => chunks.push(typeof d === "string" ? encoder.encode(d) : d.slice()),
    isTerminal: () => terminal,
  });
  const text = (chunks: Uint8Array[]) => new TextDecoder().decode(concat(chunks));
  let readable: ReadableStream<Uint8Array> | undefined;
  return {
    stdout: sink(out),
    stderr: sink(err),
    stdin: {
      isTerminal: () => terminal,
      get readable() {
        readable ??= new ReadableStream({
          start(controller) {
            if (input?.length) controller.enqueue(input);
            controller.close();
          },
        });
        return readable;
      },
    },
    columns: () => options.columns ?? 80,
    stdoutText: () => text(out),
    stderrText: () => text(err),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    result.set(c, offset);
    offset += c.length;
  }
  return result;
}

/** Reads all of stdin as bytes. */
export async function readStdinBytes(io: Io): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin.readable) chunks.push(chunk);
  return concat(chunks);
}

/**
 * The offset of the first byte of `bytes` that is not part of valid UTF-8 (a stray continuation byte, a
 * truncated or overlong sequence, a surrogate, a code point above U+10FFFF), or -1 when all of it is valid.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // The length of the sequence, and the range its second byte must fall in (which rules out overlong
    // forms, surrogates and code points past U+10FFFF).
    const [length, low, high] = b >= 0xc2 && b <= 0xdf
      ? [2, 0x80, 0xbf]
      : b === 0xe0
      ? [3, 0xa0, 0xbf]
      : b === 0xed
      ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef
      ? [3, 0x80, 0xbf]
      : b === 0xf0
      ? [4, 0x90, 0xbf]
      : b >= 0xf1 && b <= 0xf3
      ? [4, 0x80, 0xbf]
      : b === 0xf4
      ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0 || i + length > bytes.length) return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}

const warnedStdin = new WeakSet<Io>();

/**
 * Reads all of stdin as UTF-8 text. Bytes that are not UTF-8 become U+FFFD, and the first time that happens
 * for `io` a warning on stderr gives the offset of the first one.
 */
export async function readStdinText(io: Io): Promise<string> {
  const bytes = await readStdinBytes(io);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0 && !warnedStdin.has(io)) {
    warnedStdin.add(io);
    io.stderr.write(
      `Warning: stdin is not valid UTF-8 (first invalid byte 0x${
        bytes[bad].toString(16).padStart(2, "0")
      } at offset ${bad}); invalid bytes were replaced with U+FFFD\n`,
    );
  }
  return new TextDecoder().decode(bytes);
}

/** Text styles for {@link paint}. */
export type Style = AnsiStyle;

/** True when text written to `stream` may be coloured: it is a terminal and `NO_COLOR` is unset or empty. */
export function colorEnabled(stream: OutputStream): boolean {
  return stream.isTerminal() && !Deno.env.get("NO_COLOR");
}

/**
 * `text` wrapped in ANSI codes for `styles` when {@link colorEnabled} allows it, otherwise unchanged.
 *
 * @example
 * ```ts
 * import { denoIo, paint } from "./io.ts";
 * const io = denoIo();
 * io.stderr.write(paint(io.stderr, "Tool call: now()", "yellow", "bold") + "\n");
 * ```
 */
export function paint(stream: OutputStream, text: string, ...styles: Style[]): string {
  return colorEnabled(stream) ? styled(text, ...styles) : text;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Shows a spinner on stderr while waiting (only when stderr is a terminal). Returns a function that stops it
 * and erases it; calling that more than once is harmless.
 */
export function startSpinner(io: Io, message = ""): () => void {
  if (!io.stderr.isTerminal()) return () => {};
  let frame = 0;
  const draw = () => io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${message}`);
  draw();
  const timer = setInterval(draw, 80);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    io.stderr.write("\r\x1b[2K");
  };
}
