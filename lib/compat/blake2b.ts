/**
 * BLAKE2b (RFC 7693), unkeyed, with any digest size from 1 to 64 bytes: what Python's
 * `hashlib.blake2b(data, digest_size=16)` computes for logs.db message hashes and schema ids.
 *
 * Written here rather than imported from npm: Deno's `node:crypto` has no variable-size BLAKE2b, and loading
 * the first npm package costs a process ~60-100 ms, which every logged prompt would pay (BENCHMARKS.md).
 * 64-bit words are held as pairs of 32-bit halves (low, high) in typed arrays.
 *
 * @module
 */

const IV = new Uint32Array([
  0xf3bcc908,
  0x6a09e667,
  0x84caa73b,
  0xbb67ae85,
  0xfe94f82b,
  0x3c6ef372,
  0x5f1d36f1,
  0xa54ff53a,
  0xade682d1,
  0x510e527f,
  0x2b3e6c1f,
  0x9b05688c,
  0xfb41bd6b,
  0x1f83d9ab,
  0x137e2179,
  0x5be0cd19,
]);

// The message word schedule of each of the 12 rounds (rounds 10 and 11 repeat 0 and 1), doubled because
// each word is two array slots.
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
].flat().map((i) => i * 2);

const v = new Uint32Array(32);
const m = new Uint32Array(32);

/** v[a] += v[b] (64-bit). */
function add(a: number, b: number): void {
  const lo = v[a] + v[b];
  v[a + 1] = v[a + 1] + v[b + 1] + (lo >= 0x100000000 ? 1 : 0);
  v[a] = lo;
}

/** v[a] += the message word at m[i] (64-bit). */
function addM(a: number, i: number): void {
  const lo = v[a] + m[i];
  v[a + 1] = v[a + 1] + m[i + 1] + (lo >= 0x100000000 ? 1 : 0);
  v[a] = lo;
}

/** v[d] = rotr64(v[d] ^ v[a], bits) for bits 32, 24, 16 or 63. */
function xorRotate(d: number, a: number, bits: number): void {
  const lo = v[d] ^ v[a];
  const hi = v[d + 1] ^ v[a + 1];
  if (bits === 32) {
    v[d] = hi;
    v[d + 1] = lo;
  } else if (bits === 63) {
    v[d] = (lo << 1) | (hi >>> 31);
    v[d + 1] = (hi << 1) | (lo >>> 31);
  } else {
    v[d] = (lo >>> bits) | (hi << (32 - bits));
    v[d + 1] = (hi >>> bits) | (lo << (32 - bits));
  }
}

/** The G mixing function on words a, b, c, d with message words x and y (all as slot indexes). */
function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  add(a, b);
  addM(a, x);
  xorRotate(d, a, 32);
  add(c, d);
  xorRotate(b, c, 24);
  add(a, b);
  addM(a, y);
  xorRotate(d, a, 16);
  add(c, d);
  xorRotate(b, c, 63);
}

/** Compresses one 128-byte block of `input` at `offset` into the state `h`; `t` is the byte count so far. */
function compress(h: Uint32Array, input: Uint8Array, offset: number, t: number, last: boolean): void {
  for (let i = 0; i < 16; i++) {
    v[i] = h[i];
    v[i + 16] = IV[i];
  }
  v[24] ^= t >>> 0;
  v[25] ^= Math.floor(t / 0x100000000);
  if (last) {
    v[28] = ~v[28];
    v[29] = ~v[29];
  }
  for (let i = 0; i < 32; i++) {
    const at = offset + i * 4;
    m[i] = input[at] | (input[at + 1] << 8) | (input[at + 2] << 16) | (input[at + 3] << 24);
  }
  for (let round = 0; round < 12; round++) {
    const s = round * 16;
    mix(0, 8, 16, 24, SIGMA[s], SIGMA[s + 1]);
    mix(2, 10, 18, 26, SIGMA[s + 2], SIGMA[s + 3]);
    mix(4, 12, 20, 28, SIGMA[s + 4], SIGMA[s + 5]);
    mix(6, 14, 22, 30, SIGMA[s + 6], SIGMA[s + 7]);
    mix(0, 10, 20, 30, SIGMA[s + 8], SIGMA[s + 9]);
    mix(2, 12, 22, 24, SIGMA[s + 10], SIGMA[s + 11]);
    mix(4, 14, 16, 26, SIGMA[s + 12], SIGMA[s + 13]);
    mix(6, 8, 18, 28, SIGMA[s + 14], SIGMA[s + 15]);
  }
  for (let i = 0; i < 16; i++) h[i] = h[i] ^ v[i] ^ v[i + 16];
}

/**
 * The BLAKE2b digest of `data`, `size` bytes long (1 to 64; default 64).
 *
 * @example
 * ```ts
 * import { blake2b } from "./blake2b.ts";
 * blake2b(new TextEncoder().encode("hello"), 16); // 16 bytes: 46fb7408d4f285228f4af516ea25851b
 * ```
 */
export function blake2b(data: Uint8Array, size = 64): Uint8Array {
  if (!Number.isInteger(size) || size < 1 || size > 64) throw new RangeError(`BLAKE2b digest size ${size}`);
  const h = IV.slice();
  h[0] ^= 0x01010000 ^ size; // parameter block: digest size, no key, fanout 1, depth 1
  const block = new Uint8Array(128);
  let offset = 0;
  // Every full block but the last is compressed as it is; the last (possibly partial) one is padded.
  while (data.length - offset > 128) {
    compress(h, data, offset, offset + 128, false);
    offset += 128;
  }
  block.set(data.subarray(offset));
  compress(h, block, 0, data.length, true);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = h[i >> 2] >>> (8 * (i & 3));
  return out;
}

/** Hex of BLAKE2b with a 16-byte digest of the UTF-8 of `text`, as Python's `blake2b(digest_size=16)`. */
export function blake2b128Hex(text: string): string {
  const digest = blake2b(new TextEncoder().encode(text), 16);
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
