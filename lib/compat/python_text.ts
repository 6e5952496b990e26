/**
 * Python's text forms of JSON values, for output that must match Python `llm` byte for byte: `str()` and
 * `repr()`, and the string helpers `textwrap.indent`, `str.splitlines` and `llm.utils.truncate_string`.
 *
 * @module
 */

import { isRawJsonNumber, pythonJsonDumps as flatDumps } from "./python_json.ts";
export { thousands } from "./python_json.ts";
import type { JsonValue } from "./json_value.ts";

/** Options for {@linkcode pythonJsonDumps}: `indent`, `compact` and the rest of Python's arguments. */
export type { PythonJsonOptions as PythonJsonDumpsOptions } from "./python_json.ts";
/** Python's `json.dumps`, `indent=` included (the one implementation, in lib/python_json.ts). */
export { pythonJsonDumps } from "./python_json.ts";

/** Python's `repr()` of a string: single quotes unless the text holds `'` and no `"`. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's `repr()` of a JSON value (`None`, `True`, `{'a': 1}`, `1.0`). */
export function pythonRepr(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return flatDumps(value);
  if (typeof value === "string") return pythonStringRepr(value);
  if (isRawJsonNumber(value)) {
    const text = value.rawJSON;
    return text === "NaN" ? "nan" : text === "Infinity" ? "inf" : text === "-Infinity" ? "-inf" : text;
  }
  if (Array.isArray(value)) return "[" + value.map(pythonRepr).join(", ") + "]";
  return "{" + Object.entries(value).map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(", ") +
    "}";
}

/** Python's `str()` of a JSON value: strings as they are, everything else as `repr()`. */
export function pythonStr(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : pythonRepr(value);
}

// deno-lint-ignore no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Python's `str.splitlines()` (or with `keepEnds`, `splitlines(True)`). */
export function pythonSplitLines(text: string, keepEnds = false): string[] {
  const lines: string[] = [];
  const pattern = new RegExp(LINE_BREAK.source, "g");
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    const end = match.index! + match[0].length;
    lines.push(text.slice(start, keepEnds ? end : match.index));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Python's `textwrap.indent(text, prefix)`: prefixes every line that is not only whitespace. */
export function pythonIndent(text: string, prefix: string): string {
  return pythonSplitLines(text, true).map((line) => (line.trim() ? prefix + line : line)).join("");
}

// Python's `\s`: JavaScript's, less U+FEFF, plus the separators U+001C to U+001F and U+0085
// deno-lint-ignore no-control-regex
const PYTHON_WHITESPACE_RUN = /(?:[^\S\ufeff]|[\x1c-\x1f\x85])+/g;

/** Options for {@linkcode truncateString}. */
export interface TruncateOptions {
  /** Collapse every run of whitespace to one space first. */
  normalizeWhitespace?: boolean;
  /** Keep the start and the end (`start... end`) instead of only the start. */
  keepEnd?: boolean;
}

/**
 * `llm.utils.truncate_string`: cut `text` to `maxLength` characters ending in `...`, or with `keepEnd`
 * keep both ends around `... `. Lengths count code points, as Python does.
 */
export function truncateString(text: string, maxLength = 100, options: TruncateOptions = {}): string {
  if (!text) return text;
  if (options.normalizeWhitespace) text = text.replace(PYTHON_WHITESPACE_RUN, " ");
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  if (options.keepEnd && maxLength >= 9) {
    const cutoff = Math.floor((maxLength - 5) / 2);
    return chars.slice(0, cutoff).join("") + "... " + chars.slice(chars.length - cutoff).join("");
  }
  return chars.slice(0, maxLength - 3).join("") + "...";
}
