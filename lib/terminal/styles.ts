/**
 * ANSI text styles: their names, the codes that open and close them, and `styled()`. A module of its own, with
 * no imports, so the CLI's start-up can colour its messages without loading the renderers.
 * @module
 */

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

/** The SGR codes that open and close each style. */
export const STYLES: Record<AnsiStyle, [number, number]> = {
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
