/**
 * A small synchronous YAML reader for hand-written config files such as `extra-openai-models.yaml`, so that
 * listing models loads no npm package. It reads one document as Python `llm` sees it through PyYAML's
 * `safe_load` (YAML 1.1 scalars: `yes`/`off` are booleans, `017`, `0x1F` and `1:30` integers, `1e3` a string);
 * timestamps stay strings. Anchors, aliases, tags, `?` keys, merge keys and further documents raise a
 * {@link SimpleYamlError} rather than being read differently.
 *
 * The reader is built in layers: its position in the text and its errors (pyyaml_cursor.ts), the scalars
 * (_pyyaml_scalar_reader.ts, resolved by the rules of pyyaml_scalars.ts), and here the document's block and
 * flow structure.
 *
 * @example
 * ```ts
 * import { parseSimpleYaml } from "./pyyaml_load.ts";
 * const models = parseSimpleYaml('- model_id: local\n  api_base: "http://localhost:8080"\n');
 * console.log(models); // [ { model_id: "local", api_base: "http://localhost:8080" } ]
 * ```
 * @module
 */
import { FLOAT_RE, isBlank, resolvePlain, setKey } from "./pyyaml_scalars.ts";
import { ScalarReader } from "./_pyyaml_scalar_reader.ts";

export { SimpleYamlError } from "./pyyaml_cursor.ts";

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

/** The block and flow structure of one document; the scalars and positions are its base classes'. */
class Reader extends ScalarReader {
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

  // ----- inline nodes and flow collections (scalars are read in _pyyaml_scalar_reader.ts)

  private inlineNode(flow: boolean, indent: number): Item {
    const c = this.ch();
    if (c === "[" || c === "{") return { value: this.flowCollection(), collection: true };
    if (c === '"' || c === "'") return { value: this.quoted() };
    if (!this.canStartPlain(flow)) this.rejectStart();
    const plain = this.plain(flow, indent, true);
    return { value: resolvePlain(plain), plain };
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
