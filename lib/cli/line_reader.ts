/**
 * Reads standard input a line at a time (for `llm chat`): on a terminal with the line editor of
 * `lib/terminal/line_editor.ts` and a history kept in the user directory, from a pipe as plain lines.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import type { Io } from "../commands/io.ts";

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

/** Where `llm chat` reads its lines from. */
export interface ChatInput {
  /** Shows `prompt` and reads a line; `null` at the end of input (Ctrl-D on a terminal). */
  readLine(prompt: string): Promise<string | null>;
  /** Stops reading. */
  close(): Promise<void>;
}

/** The history file of `llm chat`, in the user directory. */
export const CHAT_HISTORY_FILE = "chat-history.txt";

/**
 * The input of `llm chat`. When stdin and stdout are a terminal it is the line editor, with the history in
 * `chat-history.txt` in the user directory (`LLM_CHAT_HISTORY_SIZE` entries, 1,000 by default; 0 keeps none);
 * otherwise plain lines, and no history is read or written. `history: false` keeps the history of this session
 * only, in memory (`llm openai endpoint --chat`, which writes nothing to the user directory).
 */
export async function openChatInput(io: Io, options: { history?: boolean } = {}): Promise<ChatInput> {
  const setRaw = io.stdin.setRaw;
  if (!setRaw || !io.stdin.isTerminal() || !io.stdout.isTerminal()) {
    const lines = new LineReader(io.stdin.readable);
    return {
      readLine: (prompt) => {
        io.stdout.write(prompt);
        return lines.readLine();
      },
      close: () => lines.close(),
    };
  }
  const { LineEditor } = await lazyImport<typeof import("../terminal/line_editor.ts")>(
    "../terminal/line_editor.ts",
    import.meta.url,
  );
  const { History } = await lazyImport<typeof import("../terminal/history.ts")>(
    "../terminal/history.ts",
    import.meta.url,
  );
  const { userDir, userPath } = await lazyImport<typeof import("../user/dir.ts")>(
    "../user/dir.ts",
    import.meta.url,
  );
  const size = Number(Deno.env.get("LLM_CHAT_HISTORY_SIZE") ?? 1000);
  const maxEntries = Number.isInteger(size) && size >= 0 ? size : 1000;
  let history = History.memory();
  if (maxEntries > 0 && options.history !== false) {
    await Deno.mkdir(userDir(), { recursive: true });
    history = await History.load(userPath(CHAT_HISTORY_FILE), { maxEntries });
  }
  const editor = new LineEditor({
    input: { readable: io.stdin.readable, setRaw: (raw) => setRaw.call(io.stdin, raw) },
    write: (text) => io.stdout.write(text),
    columns: () => io.columns(),
    history,
  });
  return { readLine: (prompt) => editor.readLine(prompt), close: () => editor.close() };
}
