/**
 * The one YAML writer: block-style documents exactly as PyYAML's `yaml.dump(data, sort_keys=False)` prints
 * them (by default 80-column folding, 2-space indent, indentless sequences inside mappings, ASCII-only
 * output), for mappings, sequences, strings, numbers, booleans and null. Options give the other settings
 * Python `llm` uses: `width=sys.maxsize`, `indent=4`, and a representer that writes multi-line strings in the
 * literal style (`|`), as `llm fragments list` does.
 *
 * @module
 */

import type { JsonValue } from "./json_value.ts";
import { isRawJsonNumber, pythonFloatRepr } from "./python_json.ts";
import { analyze, BREAKS, resolvesToString } from "./pyyaml_scalar_analysis.ts";

/** How {@link dumpYaml} writes, as PyYAML's arguments of the same names. */
export interface DumpYamlOptions {
  /** Fold long scalars past this column (`width=`; default 80, `Infinity` for `sys.maxsize`). */
  width?: number;
  /** Spaces per nesting level (`indent=`, 2 to 9; default 2). */
  indent?: number;
  /** Write strings that hold a line break in the literal style `|` where PyYAML allows it. */
  literalMultiline?: boolean;
}
const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\x08": "b",
  "\x09": "t",
  "\x0A": "n",
  "\x0B": "v",
  "\x0C": "f",
  "\x0D": "r",
  "\x1B": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xA0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

class Writer {
  out = "";
  column = 0;
  whitespace = true;
  indention = true;
  indent = 0;
  /** Set by a literal block that keeps its final line breaks: the document then needs an end marker. */
  openEnded = false;
  readonly width: number;
  readonly best: number;
  readonly literalMultiline: boolean;

  constructor(options: DumpYamlOptions = {}) {
    this.best = options.indent && options.indent > 1 && options.indent < 10 ? options.indent : 2;
    const width = options.width ?? 80;
    this.width = width > this.best * 2 ? width : 80;
    this.literalMultiline = options.literalMultiline ?? false;
  }

  write(data: string): void {
    this.out += data;
    this.column += Array.from(data).length;
  }

  lineBreak(data = "\n"): void {
    this.out += data;
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  writeIndent(): void {
    if (!this.indention || this.column > this.indent || (this.column === this.indent && !this.whitespace)) {
      this.lineBreak();
    }
    if (this.column < this.indent) {
      this.whitespace = true;
      this.write(" ".repeat(this.indent - this.column));
    }
  }

  indicator(text: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    this.write(this.whitespace || !needWhitespace ? text : " " + text);
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
  }

  plain(text: string, split: boolean): void {
    // A plain scalar as the whole document leaves it open-ended (PyYAML then writes `...`).
    if (this.indent === this.best && this.out === "") this.openEnded = true;
    if (!text) return;
    if (!this.whitespace) this.write(" ");
    this.whitespace = false;
    this.indention = false;
    const chars = Array.from(text);
    let spaces = false, start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch !== " ") {
          if (start + 1 === end && this.column > this.width && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(chars.slice(start, end).join(""));
          start = end;
        }
      } else if (ch === null || ch === " ") {
        this.write(chars.slice(start, end).join(""));
        start = end;
      }
      if (ch !== null) spaces = ch === " ";
    }
  }

  singleQuoted(text: string, split: boolean): void {
    this.indicator("'", true);
    const chars = Array.from(text);
    let spaces = false, breaks = false, start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (spaces) {
        if (ch === null || ch !== " ") {
          if (start + 1 === end && this.column > this.width && split && start !== 0 && end !== chars.length) {
            this.writeIndent();
          } else this.write(chars.slice(start, end).join(""));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (chars[start] === "\n") this.lineBreak();
          for (const br of chars.slice(start, end)) this.lineBreak(br === "\n" ? "\n" : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || BREAKS.includes(ch) || ch === " " || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(""));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === " ";
        breaks = BREAKS.includes(ch);
      }
    }
    this.indicator("'", false);
  }

  doubleQuoted(text: string, split: boolean): void {
    this.indicator('"', true);
    const chars = Array.from(text);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      const code = ch === null ? 0 : ch.codePointAt(0)!;
      if (ch === null || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(code >= 0x20 && code <= 0x7e)) {
        if (start < end) {
          this.write(chars.slice(start, end).join(""));
          start = end;
        }
        if (ch !== null) {
          const hex = code.toString(16).toUpperCase();
          this.write(
            ch in ESCAPES
              ? "\\" + ESCAPES[ch]
              : code <= 0xff
              ? "\\x" + hex.padStart(2, "0")
              : code <= 0xffff
              ? "\\u" + hex.padStart(4, "0")
              : "\\U" + hex.padStart(8, "0"),
          );
          start = end + 1;
        }
      }
      if (
        end > 0 && end < chars.length - 1 && (ch === " " || start >= end) &&
        this.column + (end - start) > this.width && split
      ) {
        const data = chars.slice(start, end).join("") + "\\";
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === " ") this.write("\\");
      }
    }
    this.indicator('"', false);
  }

  /** A literal block (PyYAML's `write_literal`): `|` with its hints, then each line at the indent. */
  literal(text: string): void {
    const chars = Array.from(text);
    let hints = "";
    if (BREAKS.includes(chars[0]) || chars[0] === " ") hints += String(this.best);
    if (!BREAKS.includes(chars.at(-1)!)) hints += "-";
    else if (chars.length === 1 || BREAKS.includes(chars.at(-2)!)) hints += "+";
    this.indicator("|" + hints, true);
    if (hints.endsWith("+")) this.openEnded = true;
    this.lineBreak();
    let breaks = true, start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? chars[end] : null;
      if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          for (const br of chars.slice(start, end)) this.lineBreak(br);
          if (ch !== null) this.writeIndent();
          start = end;
        }
      } else if (ch === null || BREAKS.includes(ch)) {
        this.write(chars.slice(start, end).join(""));
        if (ch === null) this.lineBreak();
        start = end;
      }
      if (ch !== null) breaks = BREAKS.includes(ch);
    }
  }

  scalar(value: JsonValue, simpleKey: boolean): void {
    const saved = this.indent;
    this.indent = saved < 0 ? this.best : saved + this.best;
    if (typeof value === "string") {
      const analysis = analyze(value);
      const split = !simpleKey;
      const literal = this.literalMultiline && value.includes("\n");
      if (literal) {
        // The representer asks for `|`: PyYAML honours it where a block is allowed, else double-quotes.
        if (!simpleKey && analysis.allowBlock) this.literal(value);
        else this.doubleQuoted(value, split);
      } else if (
        resolvesToString(value) && !(simpleKey && (analysis.empty || analysis.multiline)) &&
        analysis.allowBlockPlain
      ) this.plain(value, split);
      else if (analysis.allowSingleQuoted && !(simpleKey && analysis.multiline)) {
        this.singleQuoted(value, split);
      } else this.doubleQuoted(value, split);
    } else {
      this.plain(scalarText(value), false);
    }
    this.indent = saved;
  }
}

function scalarText(value: JsonValue): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  let text: string;
  if (typeof value === "number") text = Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  else if (isRawJsonNumber(value)) text = value.rawJSON;
  else return String(value);
  if (text === "NaN") return ".nan";
  if (text === "Infinity") return ".inf";
  if (text === "-Infinity") return "-.inf";
  // PyYAML writes floats in exponent form with a dot in the mantissa
  return /^[^.]*e/.test(text) ? text.replace("e", ".0e") : text;
}

function emit(w: Writer, value: JsonValue, inMapping: boolean): void {
  const empty = Array.isArray(value) ? value.length === 0 : typeof value === "object" && value !== null &&
    !isRawJsonNumber(value) && Object.keys(value).length === 0;
  if (empty) {
    w.indicator(Array.isArray(value) ? "[" : "{", true, true);
    w.indicator(Array.isArray(value) ? "]" : "}", false);
    return;
  }
  if (Array.isArray(value)) {
    const saved = w.indent;
    if (!(inMapping && !w.indention)) w.indent = saved < 0 ? 0 : saved + w.best;
    for (const item of value) {
      w.writeIndent();
      w.indicator("-", true, false, true);
      emit(w, item, false);
    }
    w.indent = saved;
    return;
  }
  if (typeof value === "object" && value !== null && !isRawJsonNumber(value)) {
    const saved = w.indent;
    w.indent = saved < 0 ? 0 : saved + w.best;
    for (const [key, item] of Object.entries(value)) {
      w.writeIndent();
      const analysis = analyze(key);
      if (Array.from(key).length < 128 && !analysis.empty && !analysis.multiline) {
        w.scalar(key, true);
        w.indicator(":", false);
      } else {
        // A complex key: "? key" on its own line, then ": value"
        w.indicator("?", true, false, true);
        w.scalar(key, false);
        w.writeIndent();
        w.indicator(":", true, false, true);
      }
      emit(w, item, true);
    }
    w.indent = saved;
    return;
  }
  w.scalar(value, false);
}

/**
 * `yaml.dump(value, sort_keys=False)` as PyYAML prints it (with `options`, PyYAML's `width=`, `indent=`
 * and a literal-style representer for multi-line strings).
 *
 * @example
 * ```ts
 * import { dumpYaml } from "./pyyaml_dump.ts";
 * dumpYaml([{ model: "gpt-4o-mini", datetime: "2026-11-26T01:41:35" }]);
 * // "- model: gpt-4o-mini\n  datetime: '2026-11-26T01:41:35'\n"
 * ```
 */
export function dumpYaml(value: JsonValue, options: DumpYamlOptions = {}): string {
  const w = new Writer(options);
  w.indent = -1;
  emit(w, value, false);
  if (!w.out.endsWith("\n")) w.lineBreak();
  // A document whose last block keeps its line breaks gets PyYAML's end marker.
  if (w.openEnded) w.out += "...\n";
  return w.out;
}

/**
 * One string (or `null`) as PyYAML writes it as a value at `indent` with `width=sys.maxsize` and the
 * literal representer (`llm fragments list`); a literal block ends with its line break.
 */
export function pyyamlScalar(value: string | null, indent: number): string {
  const w = new Writer({ width: Infinity, literalMultiline: true });
  w.indent = indent - w.best;
  w.column = indent;
  w.whitespace = true;
  w.indention = false;
  w.scalar(value, false);
  return w.out;
}
