import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cosineSimilarity, decode, decodeFloat32, encode } from "../lib/embeddings/codec.ts";
import { md5 } from "../lib/compat/md5.ts";

Deno.test("encode/decode: little-endian float32, 4 bytes a value, as Python's struct.pack('<f...')", () => {
  const blob = encode([1, -2.5, 0.1]);
  assert.deepEqual([...blob], [0, 0, 128, 63, 0, 0, 32, 192, 205, 204, 204, 61]);
  assert.deepEqual(decode(blob), [1, -2.5, Math.fround(0.1)]);
  // An unaligned view is copied, not misread.
  const shifted = new Uint8Array(13);
  shifted.set(blob, 1);
  assert.deepEqual(Array.from(decodeFloat32(shifted.subarray(1))), decode(blob));
  assert.deepEqual(decode(new Uint8Array(0)), []);
});

Deno.test("cosineSimilarity sums in order in double precision, as Python's cosine_similarity", () => {
  assert.equal(cosineSimilarity([1, 0], [1, 1]), 0.7071067811865475);
  // Values printed by Python's own cosine_similarity.
  assert.equal(cosineSimilarity([1, 2, 3], [4, 5, 6]), 0.9746318461970762);
  assert.equal(cosineSimilarity([0.1, 0.2, 0.3], [0.3, 0.2, 0.1001]), 0.714448944240787);
  // The same sum written out: dot / (sqrt(sum a*a) * sqrt(sum b*b)), left to right.
  const a = [0.1, 0.2, 0.3, 0.4];
  const b = [0.4, 0.3, 0.2, 0.1];
  const dot = ((0.1 * 0.4 + 0.2 * 0.3) + 0.3 * 0.2) + 0.4 * 0.1;
  const na = ((0.1 * 0.1 + 0.2 * 0.2) + 0.3 * 0.3) + 0.4 * 0.4;
  assert.equal(cosineSimilarity(a, b), dot / (Math.sqrt(na) * Math.sqrt(na)));
});

Deno.test("md5 matches node:crypto on empty, block-boundary, long and non-ASCII input", () => {
  const inputs = ["", "hello", "a".repeat(55), "a".repeat(56), "a".repeat(64), "é".repeat(1000), "\u{1F600}"];
  for (const text of inputs) {
    assert.deepEqual(
      md5(text),
      new Uint8Array(createHash("md5").update(text).digest()),
      JSON.stringify(text),
    );
  }
  const bytes = new Uint8Array(1000).map((_, i) => (i * 37) & 255);
  assert.deepEqual(md5(bytes), new Uint8Array(createHash("md5").update(bytes).digest()));
});
