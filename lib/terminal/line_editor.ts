/**
 * A line editor for a terminal in raw mode (`Deno.stdin.setRaw`), for `llm chat`: cursor keys, Home/End,
 * Ctrl-A/E/B/F, word motion (Alt-B/F, Ctrl-Left/Right), Backspace/Delete, Ctrl-K/U/W/Y/T, Alt-D,
 * Alt-Backspace, history with Up/Down (Ctrl-P/N) and reverse search with Ctrl-R, Ctrl-L to clear the screen,
 * Ctrl-C to drop the line, Ctrl-D on an empty line for end of input, and Alt-Enter for a newline. Pasted text
 * (bracketed paste) is inserted whole, newlines included, and sent with the next Enter. Wide characters and
 * lines longer than the terminal are laid out as the terminal shows them.
 *
 * @example
 * ```ts ignore
 * import { LineEditor } from "./line_editor.ts";
 * import { History } from "./history.ts";
 * const editor = new LineEditor({
 *   input: Deno.stdin,
 *   write: (text) => Deno.stdout.writeSync(new TextEncoder().encode(text)),
 *   columns: () => Deno.consoleSize().columns,
 *   history: await History.load("/tmp/history.txt"),
 * });
 * const line = await editor.readLine("> "); // null after Ctrl-D
 * ```
 * @module
 */
import { EditBuffer } from "./edit_buffer.ts";
import { History } from "./history.ts";
import { type Key, KeyDecoder } from "./keys.ts";
import { layoutLine } from "./_line_layout.ts";
import { graphemes } from "./width.ts";

/** The terminal input a {@link LineEditor} reads: raw mode on and off, and the bytes. */
export interface RawInput {
  /** Turns raw mode on or off. */
  setRaw(raw: boolean): void;
  /** The bytes typed. */
  readonly readable: ReadableStream<Uint8Array>;
}

/** Options of {@link LineEditor}. */
export interface LineEditorOptions {
  /** The terminal's input. */
  input: RawInput;
  /** Writes to the terminal (at once, unbuffered). */
  write: (text: string) => void;
  /** The terminal's width in columns, asked at each redraw. */
  columns: () => number;
  /** The history to recall and to add entered lines to (default: a new one in memory). */
  history?: History;
  /** How long a lone ESC waits for the rest of a sequence before it counts as the Escape key (ms, default 50). */
  escapeTimeoutMs?: number;
}

interface Search {
  query: string;
  /** The matching entry's index, or -1 before the first match. */
  index: number;
  failed: boolean;
  original: { text: string; cursor: number };
}

/** Reads lines from a terminal with editing and history; see the module doc. */
export class LineEditor {
  #options: LineEditorOptions;
  #history: History;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #decoder = new TextDecoder();
  #keys = new KeyDecoder();
  #pending: Key[] = [];
  #read: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  #ended = false;
  // State of the line being read.
  #prompt = "";
  #buffer = new EditBuffer();
  #row = 0;
  #historyIndex = 0;
  #draft = "";
  #search: Search | null = null;

  /** An editor reading `options.input`; nothing is read before {@link readLine}. */
  constructor(options: LineEditorOptions) {
    this.#options = options;
    this.#history = options.history ?? History.memory();
  }

  /** The history in use. */
  get history(): History {
    return this.#history;
  }

  /**
   * Shows `prompt` and reads one line with editing; returns it (without a newline) once Enter is pressed, or
   * `null` for Ctrl-D on an empty line or the end of input. A non-empty line joins the history.
   */
  async readLine(prompt: string): Promise<string | null> {
    const { input, write } = this.#options;
    this.#prompt = prompt;
    this.#buffer = new EditBuffer();
    this.#row = 0;
    this.#historyIndex = this.#history.entries.length;
    this.#draft = "";
    this.#search = null;
    input.setRaw(true);
    write("\x1b[?2004h"); // bracketed paste on
    try {
      this.#render();
      while (true) {
        const key = await this.#nextKey();
        if (!key) {
          this.#finishLine();
          return null;
        }
        const result = this.#search ? this.#searchKey(key) : this.#editKey(key);
        if (result === "eof") return null;
        if (result === "submit") {
          const line = this.#buffer.text;
          this.#finishLine();
          await this.#history.add(line);
          return line;
        }
        this.#render();
      }
    } finally {
      write("\x1b[?2004l");
      input.setRaw(false);
    }
  }

  /** Stops reading input. */
  async close(): Promise<void> {
    await this.#reader?.cancel().catch(() => {});
    this.#reader = undefined;
  }

  async #nextKey(): Promise<Key | null> {
    while (!this.#pending.length) {
      if (this.#ended) return null;
      this.#reader ??= this.#options.input.readable.getReader();
      this.#read ??= this.#reader.read();
      let result: ReadableStreamReadResult<Uint8Array> | "timeout";
      if (this.#keys.loneEscape) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), this.#options.escapeTimeoutMs ?? 50);
        });
        result = await Promise.race([this.#read, timeout]);
        clearTimeout(timer);
      } else {
        result = await this.#read;
      }
      if (result === "timeout") {
        this.#pending.push(...this.#keys.flush());
        continue;
      }
      this.#read = undefined;
      if (result.done) {
        this.#ended = true;
        this.#pending.push(...this.#keys.push(this.#decoder.decode()), ...this.#keys.flush());
        continue;
      }
      this.#pending.push(...this.#keys.push(this.#decoder.decode(result.value, { stream: true })));
    }
    return this.#pending.shift()!;
  }

  #render(): void {
    const search = this.#search;
    const prompt = search
      ? `(${search.failed ? "failed " : ""}reverse-i-search)\`${search.query}': `
      : this.#prompt;
    const layout = layoutLine(prompt, this.#buffer.text, this.#buffer.cursor, this.#options.columns());
    let out = this.#row > 0 ? `\x1b[${this.#row}A` : "";
    out += "\r\x1b[J" + layout.output;
    let row = layout.endRow;
    if (layout.cursorRow > row) {
      out += "\r\n";
      row++;
    }
    if (row > layout.cursorRow) out += `\x1b[${row - layout.cursorRow}A`;
    out += "\r" + (layout.cursorCol > 0 ? `\x1b[${layout.cursorCol}C` : "");
    this.#row = layout.cursorRow;
    this.#options.write(out);
  }

  /** Redraws with the cursor at the end and moves to a new line, leaving the entered text on screen. */
  #finishLine(suffix = ""): void {
    this.#search = null;
    this.#buffer.end();
    this.#render();
    this.#options.write(suffix + "\r\n");
    this.#row = 0;
  }

  #editKey(key: Key): "submit" | "eof" | undefined {
    const b = this.#buffer;
    const word = key.ctrl || key.alt;
    if (key.name === "text" || key.name === "paste") {
      b.insert(key.text ?? "");
    } else if (key.name === "enter") {
      if (key.alt) b.insert("\n");
      else return "submit";
    } else if (key.name === "tab") {
      b.insert("\t");
    } else if (key.ctrl) {
      return this.#ctrlKey(key.name);
    } else if (key.alt) {
      if (key.name === "b") b.wordLeft();
      else if (key.name === "f") b.wordRight();
      else if (key.name === "d") b.killWordForward();
      else if (key.name === "backspace") b.killWordBackward();
    } else if (key.name === "left") {
      word ? b.wordLeft() : b.left();
    } else if (key.name === "right") {
      word ? b.wordRight() : b.right();
    } else if (key.name === "home") {
      b.home();
    } else if (key.name === "end") {
      b.end();
    } else if (key.name === "backspace") {
      b.deleteBackward();
    } else if (key.name === "delete") {
      b.deleteForward();
    } else if (key.name === "up") {
      this.#recall(-1);
    } else if (key.name === "down") {
      this.#recall(1);
    }
    return undefined;
  }

  #ctrlKey(name: string): "submit" | "eof" | undefined {
    const b = this.#buffer;
    switch (name) {
      case "a":
        b.home();
        break;
      case "e":
        b.end();
        break;
      case "b":
        b.left();
        break;
      case "f":
        b.right();
        break;
      case "left":
        b.wordLeft();
        break;
      case "right":
        b.wordRight();
        break;
      case "d":
        if (!b.text) {
          this.#finishLine();
          return "eof";
        }
        b.deleteForward();
        break;
      case "k":
        b.killToEnd();
        break;
      case "u":
        b.killToStart();
        break;
      case "w":
        b.killWhitespaceWordBackward();
        break;
      case "y":
        b.yank();
        break;
      case "t":
        b.transpose();
        break;
      case "p":
        this.#recall(-1);
        break;
      case "n":
        this.#recall(1);
        break;
      case "l":
        this.#options.write("\x1b[H\x1b[2J");
        this.#row = 0;
        break;
      case "c":
        // Drop the line, as a shell does: show ^C and start again on a fresh line.
        this.#finishLine("^C");
        this.#buffer = new EditBuffer();
        this.#historyIndex = this.#history.entries.length;
        break;
      case "r":
        this.#search = {
          query: "",
          index: -1,
          failed: false,
          original: { text: b.text, cursor: b.cursor },
        };
        break;
    }
    return undefined;
  }

  /** Up (-1) or down (+1) through the history; the line being written is kept as the newest entry. */
  #recall(step: -1 | 1): void {
    const entries = this.#history.entries;
    const next = this.#historyIndex + step;
    if (next < 0 || next > entries.length) return;
    if (this.#historyIndex === entries.length) this.#draft = this.#buffer.text;
    this.#historyIndex = next;
    this.#buffer.set(next === entries.length ? this.#draft : entries[next]);
  }

  #showMatch(search: Search): void {
    if (search.index < 0) return;
    const entry = this.#history.entries[search.index];
    this.#buffer.set(entry, Math.max(0, entry.indexOf(search.query)));
  }

  #searchKey(key: Key): "submit" | "eof" | undefined {
    const search = this.#search!;
    const entries = this.#history.entries;
    if (key.name === "text" || key.name === "paste") {
      search.query += key.text ?? "";
      const found = this.#history.search(search.query, search.index < 0 ? entries.length : search.index + 1);
      search.failed = found < 0;
      if (found >= 0) search.index = found;
      this.#showMatch(search);
      return undefined;
    }
    if (key.name === "backspace" && !key.alt) {
      search.query = graphemes(search.query).slice(0, -1).join("");
      const found = search.query ? this.#history.search(search.query) : -1;
      search.index = found;
      search.failed = search.query !== "" && found < 0;
      if (found >= 0) this.#showMatch(search);
      else this.#buffer.set(search.original.text, search.original.cursor);
      return undefined;
    }
    if (key.ctrl && key.name === "r") {
      if (!search.query) return undefined;
      const found = this.#history.search(search.query, search.index < 0 ? entries.length : search.index);
      search.failed = found < 0;
      if (found >= 0) search.index = found;
      this.#showMatch(search);
      return undefined;
    }
    if ((key.ctrl && (key.name === "g" || key.name === "c")) || key.name === "escape") {
      this.#buffer.set(search.original.text, search.original.cursor);
      this.#search = null;
      return undefined;
    }
    // Any other key takes the match and then does what it does.
    this.#search = null;
    if (search.index >= 0) this.#historyIndex = search.index;
    return this.#editKey(key);
  }
}
