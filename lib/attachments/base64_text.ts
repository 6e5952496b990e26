/**
 * `Base64Text`: a JSON string value that is base64 of some bytes (with a prefix such as
 * `data:image/png;base64,`), made piece by piece when a request body is written, so a large attachment is never
 * held as one base64 string (or one JSON body) in memory. Anything that serialises it with `JSON.stringify`
 * gets the whole string.
 * @module
 */
import { encodeBase64 } from "../compat/base64.ts";

/** Bytes encoded per piece: a multiple of 3, so the pieces join into one valid base64 text. */
const PIECE_BYTES = 3 * 16 * 1024;

/**
 * Base64 of `bytes` after `prefix`, as a value inside a request body.
 *
 * @example
 * ```ts
 * import { Base64Text } from "./base64_text.ts";
 * const text = new Base64Text(new Uint8Array([1, 2, 3]), "data:image/png;base64,");
 * JSON.stringify({ url: text }); // '{"url":"data:image/png;base64,AQID"}'
 * ```
 */
export class Base64Text {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** Text before the base64 (ASCII), e.g. `data:application/pdf;base64,`. */
  readonly prefix: string;

  /** Creates the value. */
  constructor(bytes: Uint8Array, prefix = "") {
    this.bytes = bytes;
    this.prefix = prefix;
  }

  /** Its length in characters (also in bytes: it is ASCII). */
  get length(): number {
    return this.prefix.length + 4 * Math.ceil(this.bytes.length / 3);
  }

  /** The text in pieces of at most 64 KiB: the prefix, then the base64. */
  *pieces(): Generator<string> {
    if (this.prefix) yield this.prefix;
    for (let i = 0; i < this.bytes.length; i += PIECE_BYTES) {
      yield encodeBase64(this.bytes.subarray(i, i + PIECE_BYTES));
    }
  }

  /** The whole text (what `JSON.stringify` writes). */
  toString(): string {
    return this.prefix + encodeBase64(this.bytes);
  }

  /** The whole text. */
  toJSON(): string {
    return this.toString();
  }
}
