import assert from "node:assert/strict";
import {
  readServerSentEventBatches,
  readServerSentEvents,
  type ServerSentEvent,
} from "../lib/providers/sse.ts";

/** A byte stream delivering `text` in pieces of `size` bytes. */
function pieces(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

async function read(text: string, size = 1 << 20): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(pieces(text, size))) events.push(event);
  return events;
}

const STREAM = [
  ": a comment, ignored",
  "event: response.created",
  'data: {"type":"response.created","text":"héllo 🐦"}',
  "",
  "data: line one",
  "data:line two",
  "id: 7",
  "retry: 10",
  "",
  "",
  "data: [DONE]",
  "",
].join("\n");

const EXPECTED: ServerSentEvent[] = [
  { event: "response.created", data: '{"type":"response.created","text":"héllo 🐦"}' },
  { event: undefined, data: "line one\nline two" },
  { event: undefined, data: "[DONE]" },
];

Deno.test("SSE: events, multi-line data, comments and other fields, whole or cut at any byte", async () => {
  assert.deepEqual(await read(STREAM), EXPECTED);
  for (const size of [1, 2, 3, 8, 64]) {
    assert.deepEqual(await read(STREAM, size), EXPECTED, `pieces of ${size}`);
  }
});

Deno.test("SSE: CRLF and CR line endings, even split between CR and LF", async () => {
  const crlf = STREAM.replaceAll("\n", "\r\n");
  const cr = STREAM.replaceAll("\n", "\r");
  for (const size of [1, 5, 64]) {
    assert.deepEqual(await read(crlf, size), EXPECTED, `CRLF, pieces of ${size}`);
    assert.deepEqual(await read(cr, size), EXPECTED, `CR, pieces of ${size}`);
  }
});

Deno.test("SSE: a last event without its blank line is still delivered; an empty stream yields nothing", async () => {
  assert.deepEqual(await read("data: a\n\ndata: b"), [{ event: undefined, data: "a" }, {
    event: undefined,
    data: "b",
  }]);
  assert.deepEqual(await read(""), []);
  assert.deepEqual(await read(": only a comment\n\n"), []);
});

Deno.test("SSE batches: the events one read completes come as one array; a cut event waits for its end", async () => {
  const encoder = new TextEncoder();
  const reads = ["data: a\n\ndata: b\n\ndata: c", "\n\n", "data: d\r\n\r\ndata: e\n\n"];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const read of reads) controller.enqueue(encoder.encode(read));
      controller.close();
    },
  });
  const batches: string[][] = [];
  for await (const batch of readServerSentEventBatches(body)) batches.push(batch.map((e) => e.data));
  assert.deepEqual(batches, [["a", "b"], ["c"], ["d", "e"]]);
});

Deno.test("SSE: LF, CRLF and CR lines mixed in one read, a bare 'data' field, cut at 1, 8 and 64 bytes", async () => {
  // Many LF lines before the first CR: the next CR is looked up once and kept until it is passed.
  const text = "data: a\n\ndata: b\ndata:  two spaces\n\ndata\n\ndata: c\r\ndata: d\r\rdata: e\n\n";
  const expected: ServerSentEvent[] = [
    { event: undefined, data: "a" },
    { event: undefined, data: "b\n two spaces" },
    { event: undefined, data: "" },
    { event: undefined, data: "c\nd" },
    { event: undefined, data: "e" },
  ];
  assert.deepEqual(await read(text), expected);
  for (const size of [1, 8, 64]) assert.deepEqual(await read(text, size), expected, `pieces of ${size}`);
});
