/**
 * Where a prompt and the text being edited land on a terminal of a given width: what to write, where the
 * written text ends, and where the cursor belongs, with wide characters (two columns, moved whole to the next
 * row when they do not fit), newlines from pasted text, tabs and control characters (`^X`) accounted for.
 * @module
 */
import { graphemes, graphemeWidth, visibleWidth } from "./width.ts";

/** The result of {@link layoutLine}; rows count from the prompt's row (0). */
export interface LineLayout {
  /** What to write after moving to the start of the prompt's row and clearing below. */
  output: string;
  /** The row the terminal's cursor is on once `output` is written. */
  endRow: number;
  /** The row where the edit cursor belongs. */
  cursorRow: number;
  /** The column where the edit cursor belongs. */
  cursorCol: number;
}

function shown(cluster: string): { text: string; width: number } {
  if (cluster === "\t") return { text: "    ", width: 4 };
  const code = cluster.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) {
    return { text: `^${String.fromCharCode(code === 0x7f ? 63 : code + 64)}`, width: 2 };
  }
  return { text: cluster, width: graphemeWidth(cluster) };
}

/** Lays out `prompt` (which may hold colour codes) and `text` with the cursor at `cursor` (a code unit index). */
export function layoutLine(prompt: string, text: string, cursor: number, columns: number): LineLayout {
  const width = Math.max(columns, 2);
  const promptWidth = visibleWidth(prompt);
  let row = Math.floor(promptWidth / width);
  let col = promptWidth % width;
  let output = prompt;
  let cursorRow = -1;
  let cursorCol = 0;
  let at = 0;
  const place = () => {
    if (col >= width) return [row + 1, 0];
    return [row, col];
  };
  for (const cluster of graphemes(text)) {
    if (cluster === "\n" || cluster === "\r\n") {
      if (at === cursor) [cursorRow, cursorCol] = place();
      output += "\r\n";
      row++;
      col = 0;
      at += cluster.length;
      continue;
    }
    const { text: piece, width: w } = shown(cluster);
    if (col + w > width) {
      // The terminal moves it to the next row (a wide character leaves the last column empty).
      row++;
      col = 0;
    }
    if (at === cursor) [cursorRow, cursorCol] = [row, col];
    output += piece;
    col += w;
    at += cluster.length;
  }
  if (cursorRow < 0) [cursorRow, cursorCol] = place();
  return { output, endRow: row, cursorRow, cursorCol };
}
