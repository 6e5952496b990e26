/**
 * The streams a command writes to and reads from: an interface, so commands run the same in the CLI (the
 * real standard streams), in tests (memory) and in plugins.
 * @module
 */

/** A stream the CLI writes to. */
export interface OutputStream {
  /** Writes all of `data` now (no buffering until a newline). */
  write(data: string | Uint8Array): void;
  /** True when the stream is a terminal. */
  isTerminal(): boolean;
}

/** The stream the CLI reads input from. */
export interface InputStream {
  /** True when stdin is a terminal (nothing is piped in). */
  isTerminal(): boolean;
  /** The bytes of stdin; it can be read once. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Turns the terminal's raw mode on or off (for the line editor); absent when stdin is not a real terminal. */
  setRaw?(raw: boolean): void;
}

/** The streams a command uses. */
export interface Io {
  /** Results. */
  stdout: OutputStream;
  /** Errors, warnings and progress. */
  stderr: OutputStream;
  /** Input. */
  stdin: InputStream;
  /** The terminal width in columns (80 when unknown). */
  columns(): number;
}
