/**
 * A small Server-Sent Events reader: turns a byte stream into the `data` of each event, as the HTML standard
 * parses them (lines ending in LF, CR or CRLF; `data:` lines joined with newlines; comments and other fields
 * ignored). OpenAI-style APIs need nothing more, and it loads no npm package.
 * @module
 */

/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field, when given. */
  event?: string;
  /** The `data:` lines joined with newlines. */
  data: string;
}

/**
 * Yields each event of an SSE byte stream as it completes.
 *
 * @example
 * ```ts
 * import { readServerSentEvents } from "./sse.ts";
 * const body = new Response("data: hi\n\n").body!;
 * for await (const event of readServerSentEvents(body)) console.log(event.data); // "hi"
 * ```
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  let event: string | undefined;
  let sawData = false;
  const reader = body.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // At the end, an unterminated last line is still a line.
      if (done && buffer && !/[\r\n]$/.test(buffer)) buffer += "\n";
      let start = 0;
      while (true) {
        let end = -1;
        let next = -1;
        for (let i = start; i < buffer.length; i++) {
          const ch = buffer.charCodeAt(i);
          if (ch === 10) {
            end = i;
            next = i + 1;
            break;
          }
          if (ch === 13) {
            // A CR at the very end might be the first half of CRLF: wait for more input.
            if (i + 1 === buffer.length && !done) break;
            end = i;
            next = buffer.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
            break;
          }
        }
        if (end < 0) break;
        const line = buffer.slice(start, end);
        start = next;
        if (line === "") {
          if (sawData) yield { event, data: data.join("\n") };
          data = [];
          event = undefined;
          sawData = false;
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "data") {
          data.push(value);
          sawData = true;
        } else if (field === "event") event = value;
      }
      buffer = buffer.slice(start);
      if (done) break;
    }
    // A stream that ends without the blank line after its last event still delivers it.
    if (sawData) yield { event, data: data.join("\n") };
  } finally {
    reader.releaseLock();
  }
}
