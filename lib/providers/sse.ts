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
 * Yields the events of an SSE byte stream, all the events each network read completed as one array (so a
 * reader handles a fast network's many events per read at once, and writes once per read). With `kept`, the
 * first bytes of the body are kept in `kept.bytes` (320 at most).
 *
 * @example
 * ```ts
 * import { readServerSentEventBatches } from "./sse.ts";
 * const body = new Response("data: a\n\ndata: b\n\n").body!;
 * for await (const events of readServerSentEventBatches(body)) console.log(events.map((e) => e.data)); // ["a", "b"]
 * ```
 */
export async function* readServerSentEventBatches(
  body: ReadableStream<Uint8Array>,
  kept?: { bytes: Uint8Array },
): AsyncGenerator<ServerSentEvent[]> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  let event: string | undefined;
  let sawData = false;
  const reader = body.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      // The first bytes, for a caller that must say what the body was when it held no event.
      if (kept && value && kept.bytes.length < 320) {
        const joined = new Uint8Array(kept.bytes.length + value.length);
        joined.set(kept.bytes);
        joined.set(value, kept.bytes.length);
        kept.bytes = joined.subarray(0, 320);
      }
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // At the end, an unterminated last line is still a line.
      if (done && buffer && !/[\r\n]$/.test(buffer)) buffer += "\n";
      const batch: ServerSentEvent[] = [];
      let start = 0;
      while (true) {
        // The end of the next line: LF, CR or CRLF (a CR at the very end may be half of a CRLF: wait).
        const lf = buffer.indexOf("\n", start);
        const cr = buffer.indexOf("\r", start);
        let end: number;
        let next: number;
        if (cr >= 0 && (lf < 0 || cr < lf)) {
          if (cr + 1 === buffer.length && !done) break;
          end = cr;
          next = buffer.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        } else if (lf >= 0) {
          end = lf;
          next = lf + 1;
        } else break;
        const line = buffer.slice(start, end);
        start = next;
        if (line === "") {
          if (sawData) batch.push({ event, data: data.join("\n") });
          data = [];
          event = undefined;
          sawData = false;
          continue;
        }
        if (line.charCodeAt(0) === 58) continue; // ":" starts a comment
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32) value = value.slice(1);
        if (field === "data") {
          data.push(value);
          sawData = true;
        } else if (field === "event") event = value;
      }
      buffer = buffer.slice(start);
      // A stream that ends without the blank line after its last event still delivers it.
      if (done && sawData) batch.push({ event, data: data.join("\n") });
      if (batch.length) yield batch;
      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }
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
  for await (const batch of readServerSentEventBatches(body)) yield* batch;
}
