// deno-lint-ignore-file no-control-regex -- terminal escape sequences are what these patterns match
/**
 * ANSI text styles, and word wrapping of styled text: every wrapped line starts with the styles still open
 * and ends with a reset, so a line can be prefixed (a quote bar, a list indent) without inheriting or breaking
 * the styles around it.
 *
 * @example
 * ```ts
 * import { styled, wrapAnsi } from "./ansi.ts";
 * const lines = wrapAnsi(`some ${styled("bold words", "bold")} to wrap`, 10);
 * ```
 * @module
 */
import { graphemes, graphemeWidth, stringWidth } from "./width.ts";

/** Text styles the terminal renderers use. */
export type AnsiStyle =
  | "bold"
  | "dim"
  | "italic"
  | "underline"
  | "strike"
  | "red"
  | "green"
  | "yellow"
  | "blue"
  | "magenta"
  | "cyan"
  | "gray";

const STYLES: Record<AnsiStyle, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  strike: [9, 29],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

/** `text` wrapped in the escape codes that open and close `styles`. */
export function styled(text: string, ...styles: AnsiStyle[]): string {
  if (!text || !styles.length) return text;
  let open = "";
  let close = "";
  for (const s of styles) {
    open += `\x1b[${STYLES[s][0]}m`;
    close = `\x1b[${STYLES[s][1]}m` + close;
  }
  return open + text + close;
}

/** The code that closes the SGR attribute `code` opens, or `undefined` for codes that close or reset. */
function closerOf(code: number): number | undefined {
  if (code === 1 || code === 2) return 22;
  if (code === 3 || code === 4 || code === 7 || code === 9) return code + 20;
  if ((code >= 30 && code <= 38) || (code >= 90 && code <= 97)) return 39;
  if ((code >= 40 && code <= 48) || (code >= 100 && code <= 107)) return 49;
  return undefined;
}

/** Tracks which SGR attributes are open while styled text is read left to right. */
class SgrState {
  /** Open attributes: the escape that opened each, with the code that closes it. */
  #open: { escape: string; closer: number }[] = [];

  /** Takes one `ESC [ ... m` sequence into account. */
  apply(escape: string): void {
    const params = escape.slice(2, -1).split(";").map((p) => (p === "" ? 0 : Number(p)));
    const first = params[0];
    if (first === 0) {
      this.#open = [];
      return;
    }
    const closer = closerOf(first);
    if (closer !== undefined) {
      this.#open.push({ escape, closer });
      return;
    }
    this.#open = this.#open.filter((o) => o.closer !== first);
  }

  /** The escapes that reopen every open attribute. */
  reopen(): string {
    return this.#open.map((o) => o.escape).join("");
  }

  /** True when some attribute is open. */
  get active(): boolean {
    return this.#open.length > 0;
  }
}

const TOKEN =
  /\x1b\[[0-9;]*m|\x1b\[[0-9;?]*[ -/]*[@-ln-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\n|[ \t]+|[^ \t\n\x1b]+/g;

/**
 * Splits styled `text` into lines of at most `width` columns, breaking at spaces (a word longer than the width
 * gets a line of its own). `\n` in `text` always breaks. Spaces at a break are dropped.
 */
export function wrapAnsi(text: string, width: number): string[] {
  const state = new SgrState();
  const lines: string[] = [];
  let line = "";
  let lineWidth = 0;
  // Spaces after a word, and escapes after those spaces: written only once the next word is on this line.
  let space = "";
  let escapes = "";
  let hasWord = false;
  // Whether a style is open at the end of `line` (escapes still waiting in `escapes` not counted).
  let lineOpen = false;
  const endLine = (content: string) => {
    lines.push(content + (state.active ? "\x1b[0m" : ""));
    line = state.reopen();
    lineOpen = state.active;
    lineWidth = 0;
    space = "";
    escapes = "";
    hasWord = false;
  };
  for (const token of text.match(TOKEN) ?? []) {
    if (token === "\n") {
      endLine(line + escapes);
    } else if (token.startsWith("\x1b")) {
      if (token.endsWith("m") && token.startsWith("\x1b[")) state.apply(token);
      if (space) escapes += token;
      else {
        line += token;
        lineOpen = state.active;
      }
    } else if (token[0] === " " || token[0] === "\t") {
      if (hasWord) space += token;
    } else {
      for (const unit of breakUnits(token)) {
        const w = stringWidth(unit);
        const spaceWidth = stringWidth(space);
        if (hasWord && lineWidth + spaceWidth + w > width) {
          // The escapes since the last word take effect on the new line, through `state`.
          lines.push(line + (lineOpen ? "\x1b[0m" : ""));
          line = state.reopen();
          lineWidth = 0;
        } else {
          line += space + escapes;
          lineWidth += spaceWidth;
        }
        space = "";
        escapes = "";
        line += unit;
        lineWidth += w;
        hasWord = true;
        lineOpen = state.active;
      }
    }
  }
  endLine(line + escapes);
  return lines.map(tidyLine);
}

/**
 * A word as the pieces a line may break between: the word itself, except that East Asian wide characters
 * (which are written without spaces) may each start a line.
 */
function breakUnits(word: string): string[] {
  if (/^[\x20-\x7e]*$/.test(word)) return [word];
  const units: string[] = [];
  let run = "";
  for (const cluster of graphemes(word)) {
    if (graphemeWidth(cluster) === 2) {
      if (run) units.push(run);
      run = "";
      units.push(cluster);
    } else {
      run += cluster;
    }
  }
  if (run) units.push(run);
  return units;
}

/** Drops a reset that closes nothing and styles opened and closed around nothing. */
function tidyLine(line: string): string {
  if (!line.includes("\x1b")) return line;
  // A line that only reopens styles and resets them shows nothing: make it empty.
  if (/^(?:\x1b\[[0-9;]*m)*$/.test(line)) return "";
  return line.replace(/^((?:\x1b\[[0-9;]*m)*)\x1b\[0m$/, "");
}

/** `text` padded with spaces to `width` columns (styled text measured without its escapes). */
export function padVisible(text: string, width: number, align: "left" | "right" | "center" = "left"): string {
  const missing = Math.max(0, width - stringWidth(text.replace(/\x1b\[[0-9;]*m/g, "")));
  if (align === "right") return " ".repeat(missing) + text;
  if (align === "center") {
    const left = Math.floor(missing / 2);
    return " ".repeat(left) + text + " ".repeat(missing - left);
  }
  return text + " ".repeat(missing);
}
