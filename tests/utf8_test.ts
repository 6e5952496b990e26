/** `firstInvalidUtf8`, which `readStdinText` uses to say where stdin stops being UTF-8. */
import assert from "node:assert/strict";
import { firstInvalidUtf8 } from "../lib/cli/io.ts";

Deno.test("firstInvalidUtf8 finds stray, truncated, overlong, surrogate and out-of-range sequences", () => {
  const at = (...bytes: number[]) => firstInvalidUtf8(new Uint8Array(bytes));
  assert.equal(at(), -1);
  assert.equal(firstInvalidUtf8(new TextEncoder().encode("a é € 𝄞 \u{10FFFF}")), -1);
  assert.equal(at(0x61, 0x80), 1, "a continuation byte alone");
  assert.equal(at(0x61, 0xe2, 0x82), 1, "a sequence cut short at the end");
  assert.equal(at(0xe2, 0x28, 0xa1), 0, "a sequence broken in the middle");
  assert.equal(at(0xc0, 0x80), 0, "an overlong NUL");
  assert.equal(at(0xe0, 0x80, 0x80), 0, "an overlong three-byte form");
  assert.equal(at(0xed, 0xa0, 0x80), 0, "a UTF-16 surrogate");
  assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0, "past U+10FFFF");
  assert.equal(at(0x41, 0xf8), 1, "a byte that never starts a sequence");
});
