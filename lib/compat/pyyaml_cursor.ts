/**
 * Where the YAML reader is in its text: the character there, its column, the document markers (`---`,
 * `...`) and list entries it stands at, the spaces, comments and line breaks between tokens, and the
 * {@link SimpleYamlError} that names the 1-based line and column of a problem. The reader of scalars
 * (_pyyaml_scalar_reader.ts) and of the document's structure (pyyaml_load.ts) build on it.
 * @module
 */
import { LlmError } from "../errors.ts";
import { isBlank, TAB_ERROR } from "./pyyaml_scalars.ts";

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

/** A YAML text and a position in it, for the reader to move through; its errors name the line and column. */
export class YamlCursor {
  /** The text, without a byte order mark and with `\n` line breaks. */
  protected readonly s: string;
  /** The offset of the current character in the text. */
  protected pos = 0;

  /** Takes the text; `source` names it in error messages. */
  constructor(text: string, private readonly source: string) {
    this.s = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  }

  /** The character `offset` after the current one; "" past the end. */
  protected ch(offset = 0): string {
    return this.s[this.pos + offset] ?? "";
  }

  /** The 0-based column of `pos`. */
  protected column(pos = this.pos): number {
    return pos - (pos === 0 ? 0 : this.s.lastIndexOf("\n", pos - 1) + 1);
  }

  /** Throws a {@link SimpleYamlError} for `reason` at `pos`, naming its 1-based line and column. */
  protected fail(reason: string, pos = this.pos): never {
    const line = this.s.slice(0, pos).split("\n").length;
    throw new SimpleYamlError(this.source, line, this.column(pos) + 1, reason);
  }

  /** Whether a document marker (`---` or `...`) stands at the start of a line at `pos`. */
  protected atMarker(marker: "---" | "...", pos = this.pos): boolean {
    return this.column(pos) === 0 && this.s.startsWith(marker, pos) && isBlank(this.s[pos + 3] ?? "");
  }

  /** Whether the document ends here: at the end of the text or at a document marker. */
  protected atDocumentEdge(): boolean {
    return this.ch() === "" || this.atMarker("---") || this.atMarker("...");
  }

  /** Whether a block list entry (`- `) starts here. */
  protected atSeqEntry(): boolean {
    return this.ch() === "-" && isBlank(this.ch(1));
  }

  private skipLine(): void {
    const end = this.s.indexOf("\n", this.pos);
    this.pos = end < 0 ? this.s.length : end;
  }

  /** Skips spaces, comments and line breaks up to the next token; tells whether a line break was crossed. */
  protected skipToToken(): boolean {
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
  protected expectLineEnd(): void {
    while (this.ch() === " ") this.pos++;
    if (this.ch() === "#") this.skipLine();
    const c = this.ch();
    if (c === "\t") this.fail(TAB_ERROR);
    if (c === ":") this.fail("mapping values are not allowed here; quote the value or nest the mapping");
    if (c !== "" && c !== "\n") this.fail(`unexpected '${c}' here; quote the whole value or remove the rest`);
    this.pos += c.length;
  }
}
