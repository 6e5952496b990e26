/**
 * Markdown code helpers shared by `llm logs` and `llm prompt`: extracting fenced code blocks (`-x`, `--xl`),
 * fencing and inline-quoting values so backticks inside them cannot break out.
 *
 * @module
 */

import { pythonIndent, pythonSplitLines } from "../../compat/python_text.ts";

// A fence of three or more backticks at the start of a line, an optional language word, the code, and the
// same fence closing it at the start of a later line (trailing spaces allowed). `^` is written as a
// lookbehind on "\n" so that only "\n" starts a line, as in Python's re.MULTILINE.
const FENCED = /(?<=^|\n)(`{3,})[\p{L}\p{N}_]*\n([\s\S]*?)(?<=^|\n)\1 *(?=\n|$)/gu;

/**
 * The content of the first fenced code block in `text` (or the last, with `last`), or `null` when there is
 * none. Same rules as Python `llm`'s `extract_fenced_code_block`: the closing fence must use the same
 * number of backticks as the opening one.
 *
 * @example
 * ```ts
 * import { extractCodeBlock } from "./code_blocks.ts";
 * const fence = "`".repeat(3);
 * extractCodeBlock(`Try:\n${fence}python\nprint(1)\n${fence}\n`); // "print(1)\n"
 * ```
 */
export function extractCodeBlock(text: string, last = false): string | null {
  const matches = [...text.matchAll(FENCED)];
  if (!matches.length) return null;
  return matches[last ? matches.length - 1 : 0][2];
}

/** The shortest run of backticks (at least `min`) that does not occur in `value`. */
export function backtickFence(value: string, min: number): string {
  let fence = "`".repeat(min);
  while (value.includes(fence)) fence += "`";
  return fence;
}

/** `value` as a fenced code block, indented four spaces to nest inside a list item. */
export function fencedBlock(value: string): string {
  const fence = backtickFence(value, 3);
  return pythonIndent(`${fence}\n${value}\n${fence}`, "    ");
}

/** `value` as inline code, with enough backticks (and padding when it starts or ends with one). */
export function inlineCode(value: string): string {
  const delimiter = backtickFence(value, 1);
  if (value.startsWith("`") || value.endsWith("`")) return `${delimiter} ${value} ${delimiter}`;
  return `${delimiter}${value}${delimiter}`;
}

/**
 * `content` wrapped in a fenced block when it looks like code (more than ten `<`, or more than three lines
 * of which over 90% are shorter than 120 characters); otherwise unchanged.
 */
export function maybeFencedCode(content: string): string {
  let isCode = content.split("<").length - 1 > 10;
  if (!isCode) {
    const lines = pythonSplitLines(content);
    if (lines.length > 3) {
      const short = lines.filter((line) => Array.from(line).length < 120).length;
      isCode = short / lines.length > 0.9;
    }
  }
  if (!isCode) return content;
  const fence = backtickFence(content, 3);
  return `\n${fence}\n${content.trim()}\n${fence}`;
}
