// deno-lint-ignore-file no-control-regex -- terminal input is made of control characters
/**
 * Decodes what a terminal in raw mode sends into key presses: printable text, control keys (Ctrl-A is
 * `{ name: "a", ctrl: true }`), Alt combinations (`ESC` then a key), cursor and editing keys in their CSI and
 * SS3 forms with modifiers (`ESC [ 1 ; 5 C` is Ctrl-Right), and bracketed paste (`ESC [ 200 ~` ... `ESC [ 201 ~`)
 * as one `paste` key holding the pasted text, newlines included. A sequence cut between two reads is kept until
 * the rest arrives.
 *
 * @example
 * ```ts
 * import { KeyDecoder } from "./keys.ts";
 * const keys = new KeyDecoder().push("hi\x1b[D\x01");
 * // [{ name: "text", text: "hi" }, { name: "left" }, { name: "a", ctrl: true }]
 * ```
 * @module
 */

/** One key press (or a run of typed or pasted text). */
export interface Key {
  /**
   * `text` (typed characters, in `text`), `paste` (bracketed paste, in `text`), `enter`, `tab`, `backspace`,
   * `delete`, `escape`, `up`, `down`, `left`, `right`, `home`, `end`, `pageup`, `pagedown`, `insert`, or a
   * lower-case letter with `ctrl` (Ctrl-A to Ctrl-Z, but Ctrl-I, Ctrl-J, Ctrl-M are `tab` and `enter`) or with
   * `alt`.
   */
  name: string;
  /** The text of `text` and `paste` keys. */
  text?: string;
  /** Control was held. */
  ctrl?: boolean;
  /** Alt (Meta) was held, or the key came after `ESC`. */
  alt?: boolean;
  /** Shift was held (cursor keys with modifiers only). */
  shift?: boolean;
}

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

const CSI_FINAL: Record<string, string> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  Z: "tab",
};

const TILDE: Record<string, string> = {
  "1": "home",
  "2": "insert",
  "3": "delete",
  "4": "end",
  "5": "pageup",
  "6": "pagedown",
  "7": "home",
  "8": "end",
};

/** Modifier bits of xterm's `1;N` parameter: N - 1 = shift 1 | alt 2 | ctrl 4. */
function modifiers(param: string | undefined): Partial<Key> {
  const n = Number(param) - 1;
  if (!Number.isInteger(n) || n <= 0) return {};
  const key: Partial<Key> = {};
  if (n & 1) key.shift = true;
  if (n & 2) key.alt = true;
  if (n & 4) key.ctrl = true;
  return key;
}

function controlKey(code: number): Key {
  if (code === 13 || code === 10) return { name: "enter" };
  if (code === 9) return { name: "tab" };
  if (code === 8 || code === 127) return { name: "backspace" };
  if (code === 0) return { name: "space", ctrl: true };
  if (code >= 1 && code <= 26) return { name: String.fromCharCode(code + 96), ctrl: true };
  if (code === 0x1f) return { name: "_", ctrl: true };
  return { name: "unknown" };
}

/** Turns terminal input into {@link Key}s; see the module doc. */
export class KeyDecoder {
  #buffer = "";
  #paste: string | null = null;

  /** Takes the next piece of input; returns the keys it completes. */
  push(input: string): Key[] {
    this.#buffer += input;
    const keys: Key[] = [];
    let text = "";
    const flushText = () => {
      if (text) keys.push({ name: "text", text });
      text = "";
    };
    while (this.#buffer) {
      if (this.#paste !== null) {
        const end = this.#buffer.indexOf(PASTE_END);
        if (end < 0) {
          // Keep a possible start of the end marker for the next read.
          const keep = partialSuffix(this.#buffer, PASTE_END);
          this.#paste += this.#buffer.slice(0, this.#buffer.length - keep);
          this.#buffer = this.#buffer.slice(this.#buffer.length - keep);
          return keys;
        }
        keys.push({
          name: "paste",
          text: (this.#paste + this.#buffer.slice(0, end)).replace(/\r\n?/g, "\n"),
        });
        this.#paste = null;
        this.#buffer = this.#buffer.slice(end + PASTE_END.length);
        continue;
      }
      const code = this.#buffer.charCodeAt(0);
      if (code === 0x1b) {
        const parsed = this.#escape();
        if (parsed === undefined) break; // incomplete: wait for more input
        flushText();
        if (parsed) keys.push(parsed);
        continue;
      }
      if (code < 0x20 || code === 0x7f) {
        flushText();
        keys.push(controlKey(code));
        // CR LF from one Enter counts once.
        this.#buffer = this.#buffer.slice(code === 13 && this.#buffer[1] === "\n" ? 2 : 1);
        continue;
      }
      // A run of printable text (surrogate pairs included) up to the next control character.
      const match = this.#buffer.match(/^[^\x00-\x1f\x7f]+/);
      text += match![0];
      this.#buffer = this.#buffer.slice(match![0].length);
    }
    flushText();
    return keys;
  }

  /** True when the input so far ends in a lone `ESC`: the Escape key, or the start of a sequence. */
  get loneEscape(): boolean {
    return this.#buffer === "\x1b" && this.#paste === null;
  }

  /**
   * Ends a pending lone `ESC` (the Escape key, when no more input follows it soon); returns it, or nothing
   * when no input is pending.
   */
  flush(): Key[] {
    if (this.#buffer === "\x1b") {
      this.#buffer = "";
      return [{ name: "escape" }];
    }
    return [];
  }

  /** Parses the escape sequence at the start of the buffer: a key, `null` to drop it, `undefined` if cut. */
  #escape(): Key | null | undefined {
    const buffer = this.#buffer;
    if (buffer.length === 1) return undefined;
    const next = buffer[1];
    if (next === "[") {
      const match = buffer.match(/^\x1b\[([0-9;?<>=]*)([ -\/]*)([@-~])/);
      if (!match) return /^\x1b\[[0-9;?<>= -\/]*$/.test(buffer) ? undefined : this.#consume(2, null);
      const [whole, params, , final] = match;
      if (whole === PASTE_START) {
        this.#paste = "";
        return this.#consume(whole.length, null);
      }
      const parts = params.split(";");
      if (final === "~") {
        const name = TILDE[parts[0]];
        return this.#consume(whole.length, name ? { name, ...modifiers(parts[1]) } : null);
      }
      const name = CSI_FINAL[final];
      if (!name) return this.#consume(whole.length, null);
      const key: Key = { name, ...modifiers(parts[1]) };
      if (final === "Z") key.shift = true;
      return this.#consume(whole.length, key);
    }
    if (next === "O") {
      if (buffer.length < 3) return undefined;
      const name = CSI_FINAL[buffer[2]];
      return this.#consume(3, name ? { name } : null);
    }
    if (next === "\x1b") return this.#consume(1, { name: "escape" });
    // Alt + a key: ESC then the key.
    const code = next.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return this.#consume(2, { ...controlKey(code), alt: true });
    const cp = buffer.codePointAt(1)!;
    const ch = String.fromCodePoint(cp);
    const key: Key = { name: ch.toLowerCase(), alt: true };
    if (ch !== ch.toLowerCase()) key.shift = true;
    return this.#consume(1 + ch.length, key);
  }

  #consume(length: number, key: Key | null): Key | null {
    this.#buffer = this.#buffer.slice(length);
    return key;
  }
}

/** The length of the longest end of `text` that is a start of `marker`. */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}
