// deno-lint-ignore-file no-control-regex -- terminal escape sequences are what these patterns match
/**
 * How many terminal columns text takes: grapheme clusters (so an accented letter, a flag or a family emoji is
 * one unit), East Asian wide and fullwidth characters and emoji taking two columns, combining marks and other
 * zero-width characters none. ANSI escape sequences take no columns in {@link visibleWidth}.
 *
 * @example
 * ```ts
 * import { graphemes, stringWidth } from "./width.ts";
 * stringWidth("日本語"); // 6
 * graphemes("e\u0301!"); // ["é", "!"]
 * ```
 * @module
 */

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `text`, in order. */
export function graphemes(text: string): string[] {
  // Plain ASCII (the common case) needs no segmenter: every code unit is a cluster, except CR LF.
  if (/^[\x20-\x7e]*$/.test(text)) return text.split("");
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Code points shown two columns wide: East Asian Wide (W) and Fullwidth (F) blocks. */
const WIDE: [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x23f0, 0x23f0],
  [0x23f3, 0x23f3],
  [0x25fd, 0x25fe],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f0cf, 0x1f0cf],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  let low = 0;
  let high = WIDE.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [start, end] = WIDE[mid];
    if (codePoint < start) high = mid - 1;
    else if (codePoint > end) low = mid + 1;
    else return true;
  }
  return false;
}

const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u200b-\u200f\u2028\u2029\ufe00-\ufe0f]+$/u;

/**
 * The columns one grapheme cluster takes: 0, 1 or 2. Control characters count 0 here; callers that show them
 * (the line editor draws `^X`) decide themselves.
 */
export function graphemeWidth(cluster: string): number {
  const first = cluster.codePointAt(0) ?? 0;
  if (first < 0x7f) return first >= 0x20 ? 1 : 0;
  if (first < 0xa0) return 0;
  if (first < 0x300) return 1;
  if (ZERO_WIDTH.test(cluster)) return 0;
  if (isWide(first)) return 2;
  if (EMOJI_PRESENTATION.test(cluster)) return 2;
  // A text-style pictograph made emoji by VS16 (U+FE0F), e.g. "❤️".
  if (cluster.includes("\ufe0f") && PICTOGRAPHIC.test(cluster)) return 2;
  // Regional indicator pairs (flags).
  if (first >= 0x1f1e6 && first <= 0x1f1ff) return cluster.length > 2 ? 2 : 1;
  return 1;
}

/** The columns `text` takes (no escape sequences expected; see {@link visibleWidth}). */
export function stringWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const cluster of graphemes(text)) width += graphemeWidth(cluster);
  return width;
}

/** Matches ANSI escape sequences: CSI (colours, cursor moves) and OSC (titles, hyperlinks). */
export const ANSI_PATTERN: RegExp = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes("\x1b") ? text.replace(ANSI_PATTERN, "") : text;
}

/** The columns `text` takes on screen, ignoring ANSI escape sequences. */
export function visibleWidth(text: string): number {
  return stringWidth(stripAnsi(text));
}
