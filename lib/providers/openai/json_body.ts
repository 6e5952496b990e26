/**
 * A request body as JSON: a string, or, when it holds large inline attachments ({@link Base64Text} values), a
 * stream that writes the JSON around them and their base64 piece by piece. A 20 MB image then costs its bytes
 * in memory, not a 27 MB base64 string, a 27 MB JSON string and a 27 MB encoded copy.
 * @module
 */
import { Base64Text } from "../../attachments/base64_text.ts";

const encoder = new TextEncoder();

/** Where a {@link Base64Text} goes in the JSON text: a string no body holds (NUL is escaped by JSON). */
function marker(nonce: string, index: number): string {
  return `\u0000llm-base64:${nonce}:${index}\u0000`;
}

/** A prefix that needs no escaping in JSON (a `data:` URL's start), so it can be written as it is. */
const SAFE_PREFIX = /^[\w+.\/;:=,-]*$/;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null && !(value instanceof Base64Text);
}

/**
 * `body` as JSON text, or as a stream of its UTF-8 bytes when it holds {@link Base64Text} values (each written
 * in pieces, never whole). The text is what `JSON.stringify(body)` gives either way.
 *
 * @example
 * ```ts
 * import { jsonBody } from "./json_body.ts";
 * jsonBody({ model: "gpt-4o-mini" }); // '{"model":"gpt-4o-mini"}'
 * ```
 */
export function jsonBody(body: unknown): string | ReadableStream<Uint8Array> {
  const texts: Base64Text[] = [];
  const nonce = crypto.randomUUID();
  const json = JSON.stringify(body, function (_key, value) {
    // Seen on the object that holds a Base64Text, before that member's toJSON would build the whole string.
    if (!isContainer(value)) return value;
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    let copy: Record<string, unknown> | unknown[] | undefined;
    for (const [k, member] of entries) {
      if (!(member instanceof Base64Text) || !SAFE_PREFIX.test(member.prefix)) continue;
      copy ??= Array.isArray(value) ? [...value] : { ...value };
      (copy as Record<string | number, unknown>)[k] = marker(nonce, texts.length);
      texts.push(member);
    }
    return copy ?? value;
  });
  if (!texts.length) return json;
  const pieces = function* (): Generator<string> {
    let rest = json;
    for (const [index, text] of texts.entries()) {
      const quoted = JSON.stringify(marker(nonce, index));
      const at = rest.indexOf(quoted);
      yield rest.slice(0, at) + '"';
      yield* text.pieces();
      yield '"';
      rest = rest.slice(at + quoted.length);
    }
    yield rest;
  }();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

/** How many bytes of base64 make a value worth streaming (smaller ones are plain strings in the body). */
export const STREAM_FROM_BYTES = 256 * 1024;

/**
 * The base64 of `bytes` after `prefix` as a body value: a plain string for small ones, a {@link Base64Text}
 * (streamed by {@link jsonBody}) for large ones.
 */
export function base64Value(bytes: Uint8Array, prefix = ""): string | Base64Text {
  const text = new Base64Text(bytes, prefix);
  return bytes.length < STREAM_FROM_BYTES ? text.toString() : text;
}
