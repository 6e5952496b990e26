/**
 * The text being edited on a line, with a cursor, and the edits a line editor offers: inserting, deleting a
 * character either side, moving by character and by word, to the start and end, killing to either end or a
 * word back or forward (the killed text can be yanked back), and swapping two characters. The cursor always
 * sits between grapheme clusters, so an emoji or an accented letter moves and deletes as one character.
 *
 * @example
 * ```ts
 * import { EditBuffer } from "./edit_buffer.ts";
 * const buffer = new EditBuffer("hello world");
 * buffer.wordLeft();
 * buffer.killToEnd();
 * buffer.text; // "hello "
 * ```
 * @module
 */
import { graphemes } from "./width.ts";

const WORD = /[\p{L}\p{N}_]/u;

/** An editable line of text with a cursor; see the module doc. */
export class EditBuffer {
  #text: string;
  #cursor: number;
  #killed = "";

  /** A buffer holding `text`, with the cursor at its end. */
  constructor(text = "") {
    this.#text = text;
    this.#cursor = text.length;
  }

  /** The text. */
  get text(): string {
    return this.#text;
  }

  /** The cursor, as an index into {@link text} (UTF-16 code units), always at a grapheme boundary. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Replaces the text; the cursor goes to its end. */
  set(text: string, cursor = text.length): void {
    this.#text = text;
    this.#cursor = Math.max(0, Math.min(cursor, text.length));
  }

  /** The start of each grapheme cluster, and the end of the text. */
  #boundaries(): number[] {
    const result = [0];
    let at = 0;
    for (const cluster of graphemes(this.#text)) {
      at += cluster.length;
      result.push(at);
    }
    return result;
  }

  #previousBoundary(): number {
    const b = this.#boundaries();
    for (let i = b.length - 1; i >= 0; i--) if (b[i] < this.#cursor) return b[i];
    return 0;
  }

  #nextBoundary(): number {
    for (const at of this.#boundaries()) if (at > this.#cursor) return at;
    return this.#text.length;
  }

  /** Inserts `text` at the cursor, which moves after it. */
  insert(text: string): void {
    this.#text = this.#text.slice(0, this.#cursor) + text + this.#text.slice(this.#cursor);
    this.#cursor += text.length;
  }

  /** Deletes the character before the cursor (Backspace). Returns false when there is none. */
  deleteBackward(): boolean {
    if (this.#cursor === 0) return false;
    const start = this.#previousBoundary();
    this.#text = this.#text.slice(0, start) + this.#text.slice(this.#cursor);
    this.#cursor = start;
    return true;
  }

  /** Deletes the character under the cursor (Delete, Ctrl-D). Returns false when there is none. */
  deleteForward(): boolean {
    if (this.#cursor >= this.#text.length) return false;
    this.#text = this.#text.slice(0, this.#cursor) + this.#text.slice(this.#nextBoundary());
    return true;
  }

  /** Moves one character left. */
  left(): void {
    this.#cursor = this.#previousBoundary();
  }

  /** Moves one character right. */
  right(): void {
    this.#cursor = this.#nextBoundary();
  }

  /** Moves to the start. */
  home(): void {
    this.#cursor = 0;
  }

  /** Moves to the end. */
  end(): void {
    this.#cursor = this.#text.length;
  }

  /** Where the word before the cursor starts (letters, digits and `_` make words). */
  #wordStartBefore(): number {
    let i = this.#cursor;
    while (i > 0 && !WORD.test(this.#charBefore(i))) i -= this.#charBefore(i).length;
    while (i > 0 && WORD.test(this.#charBefore(i))) i -= this.#charBefore(i).length;
    return i;
  }

  /** Where the word at or after the cursor ends. */
  #wordEndAfter(): number {
    let i = this.#cursor;
    while (i < this.#text.length && !WORD.test(this.#charAt(i))) i += this.#charAt(i).length;
    while (i < this.#text.length && WORD.test(this.#charAt(i))) i += this.#charAt(i).length;
    return i;
  }

  #charBefore(i: number): string {
    const cp = this.#text.codePointAt(i - 1)!;
    // A low surrogate: the code point starts one unit earlier.
    if (cp >= 0xdc00 && cp <= 0xdfff && i >= 2) return String.fromCodePoint(this.#text.codePointAt(i - 2)!);
    return String.fromCodePoint(cp);
  }

  #charAt(i: number): string {
    return String.fromCodePoint(this.#text.codePointAt(i)!);
  }

  /** Moves to the start of the word before the cursor (Alt-B, Ctrl-Left). */
  wordLeft(): void {
    this.#cursor = this.#wordStartBefore();
  }

  /** Moves to the end of the word after the cursor (Alt-F, Ctrl-Right). */
  wordRight(): void {
    this.#cursor = this.#wordEndAfter();
  }

  #kill(start: number, end: number): void {
    if (end <= start) return;
    this.#killed = this.#text.slice(start, end);
    this.#text = this.#text.slice(0, start) + this.#text.slice(end);
    this.#cursor = start;
  }

  /** Deletes from the cursor to the end (Ctrl-K). */
  killToEnd(): void {
    this.#kill(this.#cursor, this.#text.length);
  }

  /** Deletes from the start to the cursor (Ctrl-U). */
  killToStart(): void {
    this.#kill(0, this.#cursor);
  }

  /** Deletes back to the previous whitespace (Ctrl-W, as in a shell). */
  killWhitespaceWordBackward(): void {
    let i = this.#cursor;
    while (i > 0 && /\s/.test(this.#text[i - 1])) i--;
    while (i > 0 && !/\s/.test(this.#text[i - 1])) i--;
    this.#kill(i, this.#cursor);
  }

  /** Deletes the word before the cursor (Alt-Backspace). */
  killWordBackward(): void {
    this.#kill(this.#wordStartBefore(), this.#cursor);
  }

  /** Deletes the word after the cursor (Alt-D). */
  killWordForward(): void {
    this.#kill(this.#cursor, this.#wordEndAfter());
  }

  /** Inserts the text killed last (Ctrl-Y). */
  yank(): void {
    if (this.#killed) this.insert(this.#killed);
  }

  /** Swaps the characters before and at the cursor, or the last two at the end (Ctrl-T). */
  transpose(): void {
    const b = this.#boundaries();
    let i = b.indexOf(this.#cursor);
    if (i <= 0 || b.length < 3) return;
    if (i === b.length - 1) i--; // at the end: swap the last two
    const [start, middle, end] = [b[i - 1], b[i], b[i + 1]];
    const first = this.#text.slice(start, middle);
    const second = this.#text.slice(middle, end);
    this.#text = this.#text.slice(0, start) + second + first + this.#text.slice(end);
    this.#cursor = end;
  }
}
