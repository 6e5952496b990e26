/** SHA-256 against digests Python's hashlib printed (as literals) and against Web Crypto. */
import assert from "node:assert/strict";
import { sha256Hex } from "../lib/compat/sha256.ts";

const input = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 5) % 256);

// deno-fmt-ignore
const PYTHON: [number, string][] = [
  [0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  [1, "e77b9a9ae9e30b0dbdb6f510a264ef9de781501d7b6b92ae89eb059c5ab743db"],
  [55, "63c06c35402b73061b2b60338121fe8f4895640a178ed01c4b2e40ff8dcd1755"],
  [56, "86512867c0c0b58974d4a9f76fab04b3ed84c5ae5845bd807f809a7884ec24e5"],
  [63, "56547b4ccd1b089babcb872418aa6d3be61e3aba1b97e0eda0934d729ebe9e0c"],
  [64, "44aee5fa258a25ab9eeebaa630ea0ea92b017efb95fbce6f91c9c181e4d8ebe2"],
  [65, "75a506795a148c07e58b5579d08badc50e39e2e0092c23042a429401dc10d7bf"],
  [119, "6254840d9eae6aa6306503495f711a7a98d80c622280b8fdbc4a2e8fa5927800"],
  [120, "75304bcb12fabfd25d0d14a3bdfe209e4bc266b5686ad7d5dad3367ef836669f"],
  [1000, "7994e00959d889b2edd138584884b26ecd04053d86779cb88d89202dea18e599"],
  [100000, "65381d8a87e9434c5d317a573804a35ab2a162221e7d22da1e712f1ab45bb5f6"],
];

Deno.test("sha256Hex matches Python's hashlib around the padding boundaries", () => {
  for (const [n, digest] of PYTHON) assert.equal(sha256Hex(input(n)), digest, `length ${n}`);
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sha256Hex("héllo 🐦"), "4e82d3a2d5a438402dc76d75798bc13195a4f752bd6a050b962fae418d0c557a");
});

Deno.test("sha256Hex agrees with Web Crypto on random inputs", async () => {
  for (let i = 0; i < 100; i++) {
    const data = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 300)));
    const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    assert.equal(sha256Hex(data), Array.from(expected, (b) => b.toString(16).padStart(2, "0")).join(""));
  }
});
