import assert from "node:assert/strict";
import { payloadReplacements } from "../lib/logs/condense.ts";
import type { Message } from "../lib/models/messages.ts";

const textMessage = (text: string): Message[] => [{ role: "assistant", parts: [{ type: "text", text }] }];

Deno.test("a text is a replacement from 64 code points, counted as Python counts them", () => {
  // 🦜 is two UTF-16 units: 63 of them are 126 units but 63 code points, too short, as in Python.
  assert.equal(payloadReplacements(textMessage("🦜".repeat(63))).has("0.0.text"), false);
  assert.equal(payloadReplacements(textMessage("🦜".repeat(64))).get("0.0.text"), "🦜".repeat(64));
  assert.equal(payloadReplacements(textMessage("a".repeat(63))).has("0.0.text"), false);
  assert.equal(payloadReplacements(textMessage("a".repeat(64) + "🦜")).has("0.0.text"), true);
  const long = "w1 ".repeat(40_000);
  assert.equal(payloadReplacements(textMessage(long)).get("0.0.text"), long);
});
