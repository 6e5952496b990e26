/**
 * Cuts a stream of Markdown text into finished blocks as it arrives, so a renderer can print each block once,
 * when nothing that follows can change it. The rules, for lines outside fenced code:
 *
 * - a blank line ends a block, unless the block is a list and the next line is indented (the item goes on);
 * - a heading (`# ...`) is a block of its own, and so is a line under a paragraph that makes it a setext
 *   heading (`===`, `---`);
 * - each item of a list at the list's own indent starts a block (earlier items are finished);
 * - a list, or a fence, that starts right under a paragraph ends the paragraph;
 * - a fenced code block at the top level is passed on line by line (`code-open`, `code-line`, `code-close`),
 *   so a renderer can show long code as it comes; fences inside a list item stay in the item's block.
 *
 * Only whole lines are looked at: text after the last newline waits for the rest of its line.
 *
 * @example
 * ```ts
 * import { MarkdownBlockSplitter } from "./markdown_blocks.ts";
 * const splitter = new MarkdownBlockSplitter();
 * splitter.push("# Title\nSome te"); // [{ type: "block", markdown: "# Title", gap: false }]
 * splitter.push("xt\n\nMore");        // [{ type: "block", markdown: "Some text", gap: false }]
 * splitter.end();                     // [{ type: "block", markdown: "More", gap: true }]
 * ```
 * @module
 */

/** What {@link MarkdownBlockSplitter} passes on. */
export type MarkdownEvent =
  /** A finished block of Markdown (no trailing newline); `gap` when blank lines came before it. */
  | { type: "block"; markdown: string; gap: boolean }
  /** A top-level fenced code block starts: its fence line and info string (`python`, `ts title=x`). */
  | { type: "code-open"; fence: string; info: string; gap: boolean }
  /** One line of that code block, without its newline. */
  | { type: "code-line"; line: string }
  /** The code block ends: its closing fence line, or `null` when the text ended inside it. */
  | { type: "code-close"; fence: string | null };

interface Fence {
  char: string;
  length: number;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_ITEM = /^( {0,3})(?:[-+*]|\d{1,9}[.)])(?:[ \t]+\S|[ \t]*$)/;
const BLANK = /^[ \t]*$/;

function indentOf(line: string): number {
  let n = 0;
  for (const c of line) {
    if (c === " ") n++;
    else if (c === "\t") n += 4 - (n % 4);
    else break;
  }
  return n;
}

function openingFence(line: string): (Fence & { info: string }) | null {
  const match = line.match(FENCE_OPEN);
  if (!match) return null;
  const info = match[3].trim();
  // A backtick fence's info string may not contain backticks (that is inline code).
  if (match[2][0] === "`" && info.includes("`")) return null;
  return { char: match[2][0], length: match[2].length, info };
}

function closesFence(line: string, fence: Fence, nested: boolean): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence.char.repeat(trimmed.length) &&
    (nested || indentOf(line) < 4);
}

/** Splits streamed Markdown into finished blocks; see the module doc for the rules. */
export class MarkdownBlockSplitter {
  #partial = "";
  #block: string[] = [];
  #blockIsList = false;
  #listIndent = 0;
  #blockIsParagraph = false;
  /** Blank lines came before the pending block. */
  #blockGap = false;
  /** Blank lines came after the pending block (or, with no block pending, after the last one). */
  #blank = false;
  #started = false;
  /** A top-level fenced code block is open. */
  #code: Fence | null = null;
  /** A fenced code block inside the pending block (a list item) is open. */
  #innerFence: Fence | null = null;

  /** Takes the next piece of text; returns the events it completes. */
  push(text: string): MarkdownEvent[] {
    const events: MarkdownEvent[] = [];
    let start = 0;
    let newline = text.indexOf("\n");
    if (newline < 0) {
      this.#partial += text;
      return events;
    }
    while (newline >= 0) {
      let line = this.#partial + text.slice(start, newline);
      this.#partial = "";
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.#line(line, events);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    this.#partial = text.slice(start);
    return events;
  }

  /** Ends the text: returns the events for whatever is still pending. */
  end(): MarkdownEvent[] {
    const events: MarkdownEvent[] = [];
    if (this.#partial) {
      const line = this.#partial.endsWith("\r") ? this.#partial.slice(0, -1) : this.#partial;
      this.#partial = "";
      this.#line(line, events);
    }
    if (this.#code) {
      events.push({ type: "code-close", fence: null });
      this.#code = null;
    }
    this.#flush(events);
    return events;
  }

  #flush(events: MarkdownEvent[]): void {
    if (!this.#block.length) return;
    let end = this.#block.length;
    while (end > 0 && BLANK.test(this.#block[end - 1])) end--;
    const markdown = this.#block.slice(0, end).join("\n");
    this.#block = [];
    this.#innerFence = null;
    this.#blockIsList = false;
    this.#blockIsParagraph = false;
    if (markdown) this.#emit(events, { type: "block", markdown, gap: this.#blockGap });
  }

  /** Passes on `event`; its `gap` is kept only when something came before it. */
  #emit(events: MarkdownEvent[], event: MarkdownEvent & { gap: boolean }): void {
    event.gap = this.#started && event.gap;
    this.#started = true;
    events.push(event);
  }

  #startBlock(line: string): void {
    const item = line.match(LIST_ITEM);
    this.#block = [line];
    this.#blockGap = this.#blank;
    this.#blank = false;
    this.#blockIsList = Boolean(item);
    this.#listIndent = item ? item[1].length : 0;
    this.#blockIsParagraph = !item && !/^ {0,3}[>|<]/.test(line) && indentOf(line) < 4;
    const fence = this.#blockIsList ? openingFence(line.replace(LIST_ITEM, "").trimStart()) : null;
    this.#innerFence = fence;
  }

  #line(line: string, events: MarkdownEvent[]): void {
    if (this.#code) {
      if (closesFence(line, this.#code, false)) {
        events.push({ type: "code-close", fence: line });
        this.#code = null;
      } else {
        events.push({ type: "code-line", line });
      }
      return;
    }
    if (this.#innerFence) {
      this.#block.push(line);
      if (closesFence(line, this.#innerFence, true)) this.#innerFence = null;
      return;
    }
    if (BLANK.test(line)) {
      if (this.#block.length) this.#block.push(line);
      this.#blank = true;
      return;
    }
    const indent = indentOf(line);
    if (this.#block.length && this.#blank) {
      if (this.#blockIsList && indent > this.#listIndent) {
        // The list item goes on after a blank line (a second paragraph, a nested block).
        this.#blank = false;
        this.#continue(line);
        return;
      }
      this.#flush(events);
    }
    if (indent < 4 && ATX_HEADING.test(line) && !(this.#blockIsList && indent > this.#listIndent)) {
      this.#flush(events);
      this.#emit(events, { type: "block", markdown: line, gap: this.#blank });
      this.#blank = false;
      return;
    }
    const fence = indent < 4 ? openingFence(line) : null;
    if (fence && !(this.#blockIsList && indent > this.#listIndent)) {
      this.#flush(events);
      this.#code = fence;
      this.#emit(events, { type: "code-open", fence: line, info: fence.info, gap: this.#blank });
      this.#blank = false;
      return;
    }
    if (!this.#block.length) {
      if (THEMATIC_BREAK.test(line)) {
        this.#emit(events, { type: "block", markdown: line, gap: this.#blank });
        this.#blank = false;
        return;
      }
      this.#startBlock(line);
      return;
    }
    const item = line.match(LIST_ITEM);
    if (this.#blockIsList && item && item[1].length <= this.#listIndent) {
      // The next item of the list: the previous one is finished.
      this.#flush(events);
      this.#startBlock(line);
      return;
    }
    if (this.#blockIsParagraph && SETEXT_UNDERLINE.test(line)) {
      this.#block.push(line);
      this.#flush(events);
      return;
    }
    if (!this.#blockIsList && item && this.#blockIsParagraph && /\S/.test(line.slice(item[0].length - 1))) {
      // A list right under a paragraph interrupts it.
      this.#flush(events);
      this.#startBlock(line);
      return;
    }
    this.#continue(line);
  }

  #continue(line: string): void {
    this.#block.push(line);
    if (this.#blockIsList) {
      const fence = openingFence(line.trimStart());
      if (fence && indentOf(line) < this.#listIndent + 8) this.#innerFence = fence;
    }
  }
}
