/**
 * BLAKE2b against digests Python's hashlib printed (written in as literals: the tests never run Python), at
 * the block boundaries and for several digest sizes, and against @noble/hashes for random inputs; and the
 * WebAssembly module it runs is the one tools/blake2b_wasm.ts assembles.
 */
import assert from "node:assert/strict";
import { blake2b, blake2b128Hex } from "../lib/compat/blake2b.ts";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const input = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 256);

// [length, 16-byte digest, 64-byte digest, 1-byte digest] from hashlib.blake2b
// deno-fmt-ignore
const PYTHON: [number, string, string, string][] = [
  [0, "cae66941d9efbd404e4d88758ea67670", "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce", "2e"],
  [1, "71b186b851e866e71be237342976049a", "4fe4da61bcc756071b226843361d74944c72245d23e8245ea678c13fdcd7fe2ae529cf999ad99cc24f7a73416a18ba53e76c0afef83b16a568b12fbfc1a2674d", "02"],
  [3, "09e03a807474593d5cb98909e5d502cd", "76ce7e90c577d436a65b691e51f0a1ad536130d70a18df3bf5368551327258b6f706f4a47c45f2d0d8147cfbb5623077e798247972e4f9338603a13abc05a4db", "28"],
  [64, "96631285a2c16ac3454fa6b94f6faeb6", "3db7bb5c40745f0c975ac6bb8578f590e2cd2cc1fc6d13533ef725325c9fddff5cca24e7a591a0f6032a24fad0e09f6df873c4ff314628391f78df7f09cb7ed7", "c9"],
  [127, "e00ab0ead4d729de8fbe7745d642e416", "71546bbf9110ad184cc60f2eb120fcfd9b4dbbca7a7f1270045b8a23a6a4f4330f65c1f030dd2f5fabc6c57617242c37cf427bd90407fac5b9deffd3ae888c39", "ef"],
  [128, "8e0cf9bb1b36fa6c42aa6490f719b575", "2d9e329f42afa3601d646692b81c13e87fcaff5bf15972e9813d7373cb6d181f9599f4d513d4af4fd6ebd37497aceb29aba5ee23ed764d8510b552bd088814fb", "f1"],
  [129, "6cefde50e4008690e61cf8225d101256", "47889df9eb4d717afc5019df5c6a83df00a0b8677395e078cd5778ace0f338a618e68b7d9afb065d9e6a01ccd31d109447e7fae771c3ee3e105709194122ba2b", "16"],
  [255, "b1bce9f0dc0bec101cd5e09b7961937c", "1a5199ac66a00e8a87ad1c7fbad30b33137dd8312bf6d98602dacf8f40ea2cb623a7fbc63e5a6bfa434d337ae7da5ca1a52502a215a3fe0297a151be85d88789", "50"],
  [256, "ac60b0f8b3227af67328401630cd4dfa", "91019c558584980249ca43eceed27e19f1c3c24161b93eed1eee2a6a774f60bf8a81b43750870bee1698feac9c5336ae4d5c842e7ead159bf3916387e8ded9ae", "f0"],
  [257, "7e5b16bfede2940cbed4da50b56da597", "9f1975efca45e7b74b020975d4d2c22802906ed8bfefca51ac497bd23147fc8f303890d8e5471ab6caaa02362e831a9e8d3435279912ccd4842c7806b096c348", "0c"],
  [1000, "add263669b4eb2158678a360fa6f007a", "4bdd2c9cf31d797a81d245c989ffb7515143ca345c66f73087dd5c58bf642bf083ba16894eab79e3b08d5126404d833e7510271b50be36a7b7cbbb46f5c89fac", "ce"],
  [100000, "2f3199b6a34e7333afc1ece40990a6a3", "f130f41a8afb982b8a555846596c54fd876e394ec8316f89c43c4d7173847c5f3321719968a3c49f107d87ce3db3650957d79d535ea8294bd3cc1f1f40c9ba24", "9e"],
];

Deno.test("blake2b matches Python's hashlib at block boundaries and digest sizes 16, 64 and 1", () => {
  for (const [n, d16, d64, d1] of PYTHON) {
    assert.equal(hex(blake2b(input(n), 16)), d16, `length ${n}, 16 bytes`);
    assert.equal(hex(blake2b(input(n))), d64, `length ${n}, 64 bytes`);
    assert.equal(hex(blake2b(input(n), 1)), d1, `length ${n}, 1 byte`);
  }
});

Deno.test("blake2b128Hex hashes the UTF-8 of text, as Python's blake2b(text.encode(), digest_size=16)", () => {
  assert.equal(blake2b128Hex("hello"), "46fb7408d4f285228f4af516ea25851b");
  assert.equal(blake2b128Hex("héllo 🐦"), "895f538d944721b117e4c1e8fd82eb5b");
});

Deno.test("blake2b agrees with @noble/hashes on random inputs of random lengths", async () => {
  const { blake2b: noble } = await import("npm:@noble/hashes@^2/blake2.js");
  for (let i = 0; i < 200; i++) {
    const data = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 600)));
    const size = 1 + Math.floor(Math.random() * 64);
    assert.equal(
      hex(blake2b(data, size)),
      hex(noble(data, { dkLen: size })),
      `length ${data.length}, size ${size}`,
    );
  }
});

Deno.test("blake2b rejects digest sizes outside 1 to 64, and inputs the module cannot count", () => {
  assert.throws(() => blake2b(new Uint8Array(), 0), RangeError);
  assert.throws(() => blake2b(new Uint8Array(), 65), RangeError);
  // 2 GiB and more would overflow the module's 32-bit byte counts: refused before anything is copied.
  const huge = Object.defineProperty(new Uint8Array(1), "length", { value: 2 ** 31 });
  assert.throws(() => blake2b(huge, 16), /BLAKE2b input of 2147483648 bytes/);
});

Deno.test("the committed WebAssembly module is the one tools/blake2b_wasm.ts assembles", async () => {
  const { GENERATED_PATH, generatedSource } = await import("../tools/blake2b_wasm.ts");
  assert.equal(
    await Deno.readTextFile(GENERATED_PATH),
    generatedSource(),
    "run `deno run --allow-write=lib/compat tools/blake2b_wasm.ts`",
  );
});

Deno.test("blake2b hashes inputs larger than the module's first page of memory, and small ones after them", () => {
  // 200 KB grows the memory; the 3-byte input after it must not see the larger input's leftover bytes.
  const large = input(200_000);
  assert.equal(hex(blake2b(large, 16)), hex(blake2b(large.slice(), 16)));
  assert.equal(hex(blake2b(input(3), 16)), "09e03a807474593d5cb98909e5d502cd");
});
