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
  // The data lines of the event being read, joined with newlines (undefined until one arrives).
  let data: string | undefined;
  let event: string | undefined;
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
      // The next CR at or after `start` (-1: none in the rest of the buffer), looked up again only once
      // passed: most streams have none, and searching the rest of the buffer for each line would make a
      // read of many events quadratic.
      let cr = buffer.indexOf("\r");
      while (true) {
        // The end of the next line: LF, CR or CRLF (a CR at the very end may be half of a CRLF: wait).
        if (cr >= 0 && cr < start) cr = buffer.indexOf("\r", start);
        const lf = buffer.indexOf("\n", start);
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
        const lineStart = start;
        start = next;
        if (end === lineStart) {
          if (data !== undefined) batch.push({ event, data });
          data = undefined;
          event = undefined;
          continue;
        }
        // The common line first, without slicing the line out: "data: ...".
        if (buffer.startsWith("data: ", lineStart)) {
          const text = buffer.slice(lineStart + 6, end);
          data = data === undefined ? text : `${data}\n${text}`;
          continue;
        }
        if (buffer.charCodeAt(lineStart) === 58) continue; // ":" starts a comment
        const line = buffer.slice(lineStart, end);
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text.charCodeAt(0) === 32) text = text.slice(1);
        if (field === "data") data = data === undefined ? text : `${data}\n${text}`;
        else if (field === "event") event = text;
      }
      buffer = buffer.slice(start);
      // A stream that ends without the blank line after its last event still delivers it.
      if (done && data !== undefined) batch.push({ event, data });
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
