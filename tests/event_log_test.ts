/** The event log of a response: its text, read while it grows and again once complete. */
import assert from "node:assert/strict";
import { EventLog } from "../lib/models/event_log.ts";

Deno.test("EventLog's text is every text chunk so far, read as often as asked while more arrive", () => {
  const log = new EventLog();
  assert.equal(log.text(), "");
  log.push("Hel");
  log.push({ type: "text", chunk: "lo" });
  assert.equal(log.text(), "Hello");
  log.push({ type: "reasoning", chunk: "hmm" });
  log.push(", ");
  log.push("world");
  assert.equal(log.text(), "Hello, world");
  assert.equal(log.text(), "Hello, world");
  // The events themselves are kept as they came.
  assert.equal(log.length, 5);
  assert.deepEqual(log.at(0), { type: "text", chunk: "Hel" });
  assert.deepEqual(log.at(2), { type: "reasoning", chunk: "hmm" });
  assert.equal(log.reasoning(), "hmm");
});

Deno.test("EventLog's messages are one text part for plain chunks, read after the text", () => {
  const log = new EventLog();
  for (const chunk of ["a", "b", "c"]) log.push(chunk);
  assert.equal(log.text(), "abc");
  log.push("d");
  assert.deepEqual(log.messages([]), [{ role: "assistant", parts: [{ type: "text", text: "abcd" }] }]);
});
