/**
 * The YAML reader's scalars as PyYAML reads them: plain scalars (where they may start, where they end, how
 * their continuation lines fold), single- and double-quoted scalars with their escapes, and literal (`|`)
 * and folded (`>`) block scalars with their indentation and chomping. What a plain scalar resolves to is in
 * pyyaml_scalars.ts; the document's structure, read on top of this, in pyyaml_load.ts.
 * @module
 */
import { YamlCursor } from "./pyyaml_cursor.ts";
import { ESCAPE_CHARS, ESCAPE_VALUES, folded, HEX_LENGTHS, isBlank, START_ERRORS } from "./pyyaml_scalars.ts";

/** Reads the scalars of a YAML text at the cursor; the block and flow structure is left to its subclass. */
export class ScalarReader extends YamlCursor {
  /** Whether a plain scalar may start here (in flow context, `?` and `:` may not). */
  protected canStartPlain(flow: boolean): boolean {
    const c = this.ch();
    if (!"-?:,[]{}#&*!|>'\"%@`".includes(c)) return true;
    return !isBlank(this.ch(1)) && (c === "-" || (!flow && (c === "?" || c === ":")));
  }

  /** Throws the error for a character that cannot start a value, saying what to write instead. */
  protected rejectStart(): never {
    const c = this.ch();
    if (START_ERRORS[c]) this.fail(START_ERRORS[c]);
    if (c === "" || ",]}".includes(c)) this.fail(`expected a value before '${c || "the end"}'`);
    this.fail(`'${c}' cannot start a plain value; put the value in quotes`);
  }

  /**
   * A plain scalar: words split by spaces, ended by ': ', ' #' or (in flow) by ,[]{}. Continuation lines
   * (in block context indented more than `indent`) fold: one line break becomes a space, n breaks n-1 newlines.
   */
  protected plain(flow: boolean, indent: number, multiline: boolean): string {
    let out = "", gap = "";
    for (;;) {
      const start = this.pos;
      for (let c = this.ch(); !isBlank(c); c = this.ch()) {
        if (c === ":" && (isBlank(this.ch(1)) || (flow && ",[]{}".includes(this.ch(1))))) break;
        if (flow && ",?[]{}".includes(c)) break;
        this.pos++;
      }
      if (this.pos === start) return out;
      out += gap + this.s.slice(start, this.pos);
      const spaces = this.pos;
      while (this.ch() === " ") this.pos++;
      gap = this.s.slice(spaces, this.pos);
      if (this.ch() !== "\n") {
        if (isBlank(this.ch()) || this.ch() === "#") return out;
        continue;
      }
      if (!multiline) return out;
      let p = this.pos, breaks = 0;
      while (this.s[p] === "\n") {
        breaks++;
        p++;
        while (this.s[p] === " ") p++;
      }
      const next = this.s[p] ?? "";
      const ends = next === "" || next === "#" || next === "\t" || this.atMarker("---", p);
      if (ends || this.atMarker("...", p) || (!flow && this.column(p) <= indent)) return out;
      gap = folded(breaks);
      this.pos = p;
    }
  }

  /** A single- or double-quoted scalar. Line breaks inside fold as in plain scalars, trimming the spaces around. */
  protected quoted(): string {
    const start = this.pos, q = this.ch();
    const quoted = q === "'" ? /'((?:[^']|'')*)'/y : /"((?:[^"\\]|\\[\s\S])*)"/y;
    quoted.lastIndex = start;
    const body = quoted.exec(this.s)?.[1];
    if (body === undefined || /\n(?:---|\.\.\.)(?:[ \t\n]|$)/.test(body)) {
      this.fail(`unterminated string; add the closing ${q}`, start);
    }
    this.pos = quoted.lastIndex;
    const fold = (breaks: string) => folded(breaks.split("\n").length - 1);
    if (q === "'") return body.replace(/[ \t]*\n[ \t\n]*/g, fold).replaceAll("''", "'");
    // One pass, so that an escaped space before a line break is not trimmed away.
    const pieces =
      /\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(\n[ \t\n]*)|([\s\S]))|([ \t]*\n[ \t\n]*)/g;
    type Group = string | undefined;
    return body.replace(
      pieces,
      (_, x: Group, u: Group, U: Group, escapedBreak: Group, other: Group, breaks: Group, offset: number) => {
        if (breaks) return fold(breaks);
        if (escapedBreak) return "\n".repeat(escapedBreak.split("\n").length - 2);
        const code = parseInt(x ?? u ?? U ?? "", 16);
        if (code <= 0x10ffff) return String.fromCodePoint(code);
        if (other && ESCAPE_CHARS.includes(other)) return ESCAPE_VALUES[ESCAPE_CHARS.indexOf(other)];
        const letter = other ?? "U", digits = HEX_LENGTHS[letter];
        const hint = digits
          ? `it needs ${digits} hex digits of a code point`
          : "write '\\\\' for a backslash";
        this.fail(`unknown escape '\\${letter}' in double quotes; ${hint}`, start + 1 + offset);
      },
    );
  }

  /** A literal (`|`) or folded (`>`) block scalar, with PyYAML's rules for indentation and chomping. */
  protected blockScalar(indent: number): string {
    const isFolded = this.ch() === ">";
    let chomp = "", increment = 0;
    for (this.pos++; !isBlank(this.ch()); this.pos++) {
      const c = this.ch();
      if ((c === "+" || c === "-") && !chomp) chomp = c;
      else if (c >= "1" && c <= "9" && !increment) increment = Number(c);
      else this.fail(`expected '+', '-' or an indentation digit 1-9 after '|' or '>', not '${c}'`);
    }
    this.expectLineEnd();
    // The indentation is given, or else the widest of the leading blank lines and the first text line.
    const leading = /[ \n]*/y;
    leading.lastIndex = this.pos;
    const widest = Math.max(...leading.exec(this.s)![0].split("\n").map((spaces) => spaces.length));
    const minIndent = Math.max(indent + 1, 1);
    const blockIndent = increment ? minIndent + increment - 1 : Math.max(minIndent, widest);
    // Each line up to the first less indented line with text: its text after the indentation, or "" if empty.
    const lines: string[] = [];
    let ended = true;
    while (this.pos < this.s.length) {
      const end = this.s.indexOf("\n", this.pos), stop = end < 0 ? this.s.length : end;
      const line = this.s.slice(this.pos, stop), spaces = /^ */.exec(line)![0].length;
      if (spaces < blockIndent && spaces < line.length) break;
      lines.push(line.slice(blockIndent));
      ended = end >= 0;
      this.pos = ended ? end + 1 : stop;
    }
    // Spaces after the last line break are not a line of their own.
    if (!ended && lines.at(-1) === "") {
      lines.pop();
      ended = true;
    }
    const last = lines.findLastIndex((line) => line !== "");
    let out = "";
    for (let i = 0, empty = 0; i <= last; i++) {
      if (lines[i] === "") {
        empty++;
        continue;
      }
      const previous = lines[i - empty - 1];
      const fold = isFolded && /^[^ \t]/.test(previous ?? "") && /^[^ \t]/.test(lines[i]);
      if (previous === undefined) out += "\n".repeat(empty);
      else out += fold ? folded(empty + 1) : "\n".repeat(empty + 1);
      out += lines[i];
      empty = 0;
    }
    // Chomping: clip keeps the final line break, strip drops it, keep also keeps the empty lines after it.
    if (chomp === "-") return out;
    const finalBreak = last >= 0 && (last < lines.length - 1 || ended) ? "\n" : "";
    return out + finalBreak + (chomp === "+" ? "\n".repeat(lines.length - 1 - last) : "");
  }
}
