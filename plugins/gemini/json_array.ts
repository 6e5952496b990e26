/**
 * Reading the body of `:streamGenerateContent` as it arrives. Without `alt=sse` (and `llm-gemini` sends
 * none) Gemini streams one JSON array, `[{...}\n,\r\n{...}\n]`, an element per chunk of the answer; this
 * reader yields each element as soon as its closing brace has arrived, whatever the byte boundaries. A body
 * that is a single JSON object (an error, or `:generateContent`'s answer) is yielded as its one element.
 * @module
 */

/** The body ended or broke off before the array (or the object) was complete. */
export class IncompleteJsonError extends Error {
  /** How many elements had been read when it ended. */
  readonly elements: number;
  /** True when the connection broke; false when the body ended cleanly but too soon. */
  readonly connectionLost: boolean;
  /** Creates the error. */
  constructor(
    message: string,
    elements: number,
    options: { cause?: unknown; connectionLost?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "IncompleteJsonError";
    this.elements = elements;
    this.connectionLost = options.connectionLost ?? false;
  }
}

/** The body held something that is not a JSON array of values. */
export class MalformedJsonError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "MalformedJsonError";
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * An incremental splitter: feed it text, take the complete elements. It tracks only nesting depth and
 * strings (escapes included), so a chunk is parsed once, when it is whole.
 */
export class JsonArraySplitter {
  #buffer = "";
  #pos = 0;
  #start = -1;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** `pending` before the first character, then `array` or `object` (a bare top-level value). */
  #mode: "pending" | "array" | "object" = "pending";
  #closed = false;
  #count = 0;

  /** True once the closing `]` (or the end of a bare object) has been read. */
  get closed(): boolean {
    return this.#closed;
  }

  /** How many elements have been taken. */
  get count(): number {
    return this.#count;
  }

  /**
   * Adds `text` and returns the elements it completed, parsed.
   * @throws {MalformedJsonError} on text that cannot be a JSON array of objects.
   */
  push(text: string): unknown[] {
    this.#buffer += text;
    const out: unknown[] = [];
    const buffer = this.#buffer;
    let i = this.#pos;
    for (; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i);
      if (this.#start >= 0) {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (code === BACKSLASH) this.#escaped = true;
          else if (code === QUOTE) this.#inString = false;
          continue;
        }
        if (code === QUOTE) this.#inString = true;
        else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.#depth++;
        else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          if (--this.#depth === 0) {
            out.push(this.#parse(buffer.slice(this.#start, i + 1)));
            this.#start = -1;
            if (this.#mode === "object") this.#closed = true;
          }
        }
        continue;
      }
      if (isSpace(code)) continue;
      if (this.#closed) {
        throw new MalformedJsonError(`Unexpected text after the end of the JSON body: ${tail(buffer, i)}`);
      }
      if (this.#mode === "pending") {
        if (code === OPEN_BRACKET) {
          this.#mode = "array";
          continue;
        }
        if (code !== OPEN_BRACE) {
          throw new MalformedJsonError(`The body is not a JSON array: ${tail(buffer, i)}`);
        }
        this.#mode = "object";
      } else if (code === COMMA) continue;
      else if (code === CLOSE_BRACKET) {
        this.#closed = true;
        continue;
      } else if (code !== OPEN_BRACE && code !== OPEN_BRACKET) {
        throw new MalformedJsonError(`Expected a JSON object in the array: ${tail(buffer, i)}`);
      }
      this.#start = i;
      this.#depth = 1;
    }
    // Keep only the element being read, so the buffer never grows past one element.
    if (this.#start >= 0) {
      this.#buffer = buffer.slice(this.#start);
      this.#pos = this.#buffer.length;
      this.#start = 0;
    } else {
      this.#buffer = "";
      this.#pos = 0;
    }
    return out;
  }

  #parse(text: string): unknown {
    try {
      this.#count++;
      return JSON.parse(text);
    } catch (error) {
      throw new MalformedJsonError(
        `An element of the JSON body is not valid JSON (${(error as Error).message})`,
      );
    }
  }
}

function tail(buffer: string, at: number): string {
  return JSON.stringify(buffer.slice(at, at + 60));
}

/**
 * Yields the elements of a streamed JSON array body as they complete.
 *
 * @throws {IncompleteJsonError} when the body ends (or the connection breaks) before the array is closed.
 * @throws {MalformedJsonError} when the body is not a JSON array of objects.
 * @example
 * ```ts
 * import { readJsonArray } from "./json_array.ts";
 * const body = new Response('[{"a": 1}\n,\r\n{"b": "]"}]').body!;
 * for await (const element of readJsonArray(body)) console.log(element); // {a: 1}, then {b: "]"}
 * ```
 */
export async function* readJsonArray(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const splitter = new JsonArraySplitter();
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new IncompleteJsonError(
          `the connection broke off (${causeOf(error)})`,
          splitter.count,
          { cause: error, connectionLost: true },
        );
      }
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
      if (text) yield* splitter.push(text);
      if (chunk.done) break;
    }
    if (!splitter.closed) {
      throw new IncompleteJsonError(
        splitter.count ? "the body ended in the middle of the JSON array" : "the body ended before any chunk",
        splitter.count,
      );
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
