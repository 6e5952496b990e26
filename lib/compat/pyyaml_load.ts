/**
 * A small synchronous YAML reader for hand-written config files such as `extra-openai-models.yaml`, so that
 * listing models loads no npm package. It reads one document as Python `llm` sees it through PyYAML's
 * `safe_load` (YAML 1.1 scalars: `yes`/`off` are booleans, `017`, `0x1F` and `1:30` integers, `1e3` a string);
 * timestamps stay strings. Anchors, aliases, tags, `?` keys, merge keys and further documents raise a
 * {@link SimpleYamlError} rather than being read differently.
 *
 * @example
 * ```ts
 * import { parseSimpleYaml } from "./pyyaml_load.ts";
 * const models = parseSimpleYaml('- model_id: local\n  api_base: "http://localhost:8080"\n');
 * console.log(models); // [ { model_id: "local", api_base: "http://localhost:8080" } ]
 * ```
 * @module
 */
import { LlmError } from "../errors.ts";
import {
  ESCAPE_CHARS,
  ESCAPE_VALUES,
  FLOAT_RE,
  folded,
  HEX_LENGTHS,
  isBlank,
  resolvePlain,
  setKey,
  START_ERRORS,
  TAB_ERROR,
} from "./pyyaml_scalars.ts";

/** A YAML text this reader cannot read, with the 1-based line and column of the problem. */
export class SimpleYamlError extends LlmError {
  /** What is wrong, and what to write instead. */
  readonly reason: string;
  /** Builds the message `<source> line <line>: <reason>` from the file name or label and 1-based position. */
  constructor(readonly source: string, readonly line: number, readonly column: number, reason: string) {
    super(`${source} line ${line}: ${reason}`);
    this.reason = reason;
  }
}

/**
 * Parses one YAML document into JSON-like values (objects, arrays, strings, numbers, booleans, null); an
 * empty document gives `null`. `source` names the text in error messages, e.g. `extra-openai-models.yaml`.
 *
 * @throws {SimpleYamlError} on a syntax error or on a YAML feature this reader does not support.
 */
export function parseSimpleYaml(text: string, source = "YAML text"): unknown {
  return new Reader(text, source).document();
}

/** A parsed node; `plain` keeps the source text of an unquoted scalar. */
type Item = { value: unknown; plain?: string; collection?: boolean };

class Reader {
  private readonly s: string;
  private pos = 0;

  constructor(text: string, private readonly source: string) {
    this.s = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  }

  document(): unknown {
    this.skipToToken();
    if (this.ch() === "%") this.fail("directives (%) are not supported here; remove the line");
    if (this.atMarker("...")) this.fail("expected a value before the document end marker '...'");
    let value: unknown = null;
    if (this.atMarker("---")) {
      this.pos += 3;
      value = this.node(-1, ":");
    } else if (this.ch() !== "") value = this.blockNode(-1);
    this.skipToToken();
    const ended = this.atMarker("...");
    if (ended) this.pos += 3;
    this.skipToToken();
    if (this.ch() === "") return value;
    if (ended || this.atMarker("---")) {
      this.fail("only one document is supported here; remove the extra '---' and what follows it");
    }
    this.fail("unexpected content after the document's value; check the indentation of this line");
  }

  // ----- positions, errors and the space between tokens

  private ch(offset = 0): string {
    return this.s[this.pos + offset] ?? "";
  }

  private column(pos = this.pos): number {
    return pos - (pos === 0 ? 0 : this.s.lastIndexOf("\n", pos - 1) + 1);
  }

  private fail(reason: string, pos = this.pos): never {
    const line = this.s.slice(0, pos).split("\n").length;
    throw new SimpleYamlError(this.source, line, this.column(pos) + 1, reason);
  }

  private atMarker(marker: "---" | "...", pos = this.pos): boolean {
    return this.column(pos) === 0 && this.s.startsWith(marker, pos) && isBlank(this.s[pos + 3] ?? "");
  }

  private atDocumentEdge(): boolean {
    return this.ch() === "" || this.atMarker("---") || this.atMarker("...");
  }

  private atSeqEntry(): boolean {
    return this.ch() === "-" && isBlank(this.ch(1));
  }

  private skipLine(): void {
    const end = this.s.indexOf("\n", this.pos);
    this.pos = end < 0 ? this.s.length : end;
  }

  /** Skips spaces, comments and line breaks up to the next token; tells whether a line break was crossed. */
  private skipToToken(): boolean {
    let crossed = false;
    for (;;) {
      while (this.ch() === " ") this.pos++;
      const c = this.ch();
      if (c === "\t") this.fail(TAB_ERROR);
      if (c === "#") this.skipLine();
      else if (c !== "\n") return crossed;
      else {
        this.pos++;
        crossed = true;
      }
    }
  }

  /** Checks that only spaces and a comment follow on this line, and goes to the next line. */
  private expectLineEnd(): void {
    while (this.ch() === " ") this.pos++;
    if (this.ch() === "#") this.skipLine();
    const c = this.ch();
    if (c === "\t") this.fail(TAB_ERROR);
    if (c === ":") this.fail("mapping values are not allowed here; quote the value or nest the mapping");
    if (c !== "" && c !== "\n") this.fail(`unexpected '${c}' here; quote the whole value or remove the rest`);
    this.pos += c.length;
  }

  // ----- block structure

  /** The value after `- `, `key:` or `---`, inside a block collection at column `indent`. */
  private node(indent: number, after: "-" | ":"): unknown {
    const crossed = this.skipToToken();
    if (this.atDocumentEdge()) return null;
    if (!crossed) return after === "-" ? this.blockNode(indent) : this.inlineValue(indent);
    const col = this.column();
    const fits = col > indent || (after === ":" && col === indent && this.atSeqEntry());
    return fits ? this.blockNode(indent) : null;
  }

  /** A node that may be a block mapping or sequence starting at the current column. */
  private blockNode(indent: number): unknown {
    const col = this.column();
    if (this.atSeqEntry()) return this.blockSequence(col, col === indent);
    const start = this.pos;
    if (this.blockKey() === undefined) return this.inlineValue(indent);
    this.pos = start;
    return this.blockMapping(col);
  }

  /** After an entry of a block collection at column `col`: whether another entry follows at that column. */
  private nextEntry(col: number, what: string): boolean {
    this.skipToToken();
    if (this.atDocumentEdge()) return false;
    if (this.column() > col) {
      this.fail(`bad indentation: this line is indented more than the ${what} above it`);
    }
    return this.column() === col;
  }

  private blockSequence(col: number, endsAtKey: boolean): unknown[] {
    const items: unknown[] = [];
    do {
      if (!this.atSeqEntry()) {
        if (endsAtKey) break;
        this.fail("expected a list entry ('- ') at this indentation, like the lines above");
      }
      this.pos++;
      items.push(this.node(col, "-"));
    } while (this.nextEntry(col, "list entries"));
    return items;
  }

  private blockMapping(col: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    do {
      if (this.atSeqEntry()) {
        this.fail("a list entry cannot follow 'key: value' lines; indent the list under a key");
      }
      const key = this.blockKey();
      if (key === undefined) {
        if ("&*!".includes(this.ch()) || (this.ch() === "?" && isBlank(this.ch(1)))) this.rejectStart();
        this.fail("expected 'key: value' here, like the lines above; check the ':'");
      }
      setKey(map, key, this.node(col, ":"));
    } while (this.nextEntry(col, "keys"));
    return map;
  }

  /** Reads `key:` and returns the key, or returns undefined and leaves the position as it was. */
  private blockKey(): string | undefined {
    const start = this.pos, c = this.ch();
    let item: Item;
    if (c === "[" || c === "{" || c === '"' || c === "'") item = this.inlineNode(false, 0);
    else if (this.canStartPlain(false)) {
      const plain = this.plain(false, 0, false);
      item = { value: resolvePlain(plain), plain };
    } else return undefined;
    while (this.ch() === " ") this.pos++;
    if (this.ch() !== ":" || !isBlank(this.ch(1))) {
      this.pos = start;
      return undefined;
    }
    const key = this.keyOf(item, start);
    this.pos++;
    return key;
  }

  /** The key for a node that a ':' follows at the current position. */
  private keyOf(item: Item, at: number, oneLine = true): string {
    if (item.collection) this.fail("a list or mapping cannot be a key here; use a plain or quoted key", at);
    if (oneLine && this.s.slice(at, this.pos).includes("\n")) {
      this.fail("a mapping key must fit on one line; is a closing quote or bracket missing?", at);
    }
    if (item.plain === "<<") this.fail("merge keys (<<) are not supported here; write the keys out", at);
    // PyYAML keeps a key such as `2.0` a float, which JSON writes as "2.0".
    const { value, plain } = item;
    const float = plain !== undefined && FLOAT_RE.test(plain) && Number.isInteger(value);
    return float ? `${Object.is(value, -0) ? "-0" : value}.0` : String(value);
  }

  /** A scalar, flow collection or block scalar in block context, and then the end of its line. */
  private inlineValue(indent: number): unknown {
    if (this.atSeqEntry()) {
      this.fail("a list cannot start on its key's line; put each '- ' entry on a line below");
    }
    if (this.ch() === "|" || this.ch() === ">") return this.blockScalar(indent);
    const value = this.inlineNode(false, indent).value;
    this.expectLineEnd();
    return value;
  }

  // ----- scalars and flow collections

  private inlineNode(flow: boolean, indent: number): Item {
    const c = this.ch();
    if (c === "[" || c === "{") return { value: this.flowCollection(), collection: true };
    if (c === '"' || c === "'") return { value: this.quoted() };
    if (!this.canStartPlain(flow)) this.rejectStart();
    const plain = this.plain(flow, indent, true);
    return { value: resolvePlain(plain), plain };
  }

  private canStartPlain(flow: boolean): boolean {
    const c = this.ch();
    if (!"-?:,[]{}#&*!|>'\"%@`".includes(c)) return true;
    return !isBlank(this.ch(1)) && (c === "-" || (!flow && (c === "?" || c === ":")));
  }

  private rejectStart(): never {
    const c = this.ch();
    if (START_ERRORS[c]) this.fail(START_ERRORS[c]);
    if (c === "" || ",]}".includes(c)) this.fail(`expected a value before '${c || "the end"}'`);
    this.fail(`'${c}' cannot start a plain value; put the value in quotes`);
  }

  /**
   * A plain scalar: words split by spaces, ended by ': ', ' #' or (in flow) by ,[]{}. Continuation lines
   * (in block context indented more than `indent`) fold: one line break becomes a space, n breaks n-1 newlines.
   */
  private plain(flow: boolean, indent: number, multiline: boolean): string {
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
  private quoted(): string {
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
  private blockScalar(indent: number): string {
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

  private flowCollection(): unknown[] | Record<string, unknown> {
    const open = this.pos, close = this.ch() === "[" ? "]" : "}";
    const list: unknown[] = [], map: Record<string, unknown> = {};
    for (this.pos++;;) {
      this.flowSpace(open, close);
      if (this.ch() === close) break;
      const at = this.pos, item = this.inlineNode(true, -1);
      this.flowSpace(open, close);
      if (this.ch() !== ":" && close === "]") list.push(item.value);
      else {
        const key = this.keyOf(item, at, this.ch() === ":");
        let value: unknown = null;
        if (this.ch() === ":") {
          this.pos++;
          this.flowSpace(open, close);
          if (this.ch() !== "," && this.ch() !== close) value = this.inlineNode(true, -1).value;
          this.flowSpace(open, close);
        }
        if (close === "}") setKey(map, key, value);
        else list.push({ [key]: value });
      }
      if (this.ch() === ",") this.pos++;
      else if (this.ch() !== close) {
        this.fail(
          `expected ',' or '${close}' after the entry; is the '${close}' missing or a quote unclosed?`,
        );
      }
    }
    this.pos++;
    return close === "]" ? list : map;
  }

  private flowSpace(open: number, close: string): void {
    this.skipToToken();
    if (this.ch() === "") this.fail(`unterminated '${this.s[open]}'; add the closing '${close}'`, open);
  }
}
