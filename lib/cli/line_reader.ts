/**
 * Reads standard input a line at a time (for `llm chat`), on a terminal or from a pipe.
 * @module
 */

/** Reads lines from a byte stream; `null` at the end of input. */
export class LineReader {
  #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  #done = false;

  /** Reads from `readable`. */
  constructor(readable: ReadableStream<Uint8Array>) {
    this.#reader = readable.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next line without its line ending, or `null` when the input has ended. */
  async readLine(): Promise<string | null> {
    while (true) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#done) {
        if (!this.#buffer) return null;
        const line = this.#buffer;
        this.#buffer = "";
        return line;
      }
      const { value, done } = await this.#reader.read();
      if (done) this.#done = true;
      else this.#buffer += value;
    }
  }

  /** Stops reading. */
  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}
