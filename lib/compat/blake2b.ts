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

// The word slots a, b, c, d of the eight G calls of a round: four columns, then four diagonals.
const G = new Uint8Array([
  0,
  8,
  16,
  24,
  2,
  10,
  18,
  26,
  4,
  12,
  20,
  28,
  6,
  14,
  22,
  30,
  0,
  10,
  20,
  30,
  2,
  12,
  22,
  24,
  4,
  14,
  16,
  26,
  6,
  8,
  18,
  28,
]);

const v = new Uint32Array(32);
const m = new Uint32Array(32);

/**
 * The G mixing function on words a, b, c, d (slot indexes into `v`) with the message words at slots x and y:
 * one function with the 64-bit halves in locals, as a first (not yet optimised) call runs it fast enough.
 */
function mix(a: number, b: number, c: number, d: number, x: number, y: number): void {
  let al = v[a], ah = v[a + 1], bl = v[b], bh = v[b + 1];
  let cl = v[c], ch = v[c + 1], dl = v[d], dh = v[d + 1];
  let lo: number, hi: number;
  // a += b + m[x]
  lo = al + bl;
  ah = (ah + bh + (lo >= 0x100000000 ? 1 : 0)) | 0;
  al = lo >>> 0;
  lo = al + m[x];
  ah = (ah + m[x + 1] + (lo >= 0x100000000 ? 1 : 0)) | 0;
  al = lo >>> 0;
  // d = rotr64(d ^ a, 32)
  lo = dl ^ al;
  dl = dh ^ ah;
  dh = lo;
  // c += d
  lo = cl + (dl >>> 0);
  ch = (ch + dh + (lo >= 0x100000000 ? 1 : 0)) | 0;
  cl = lo >>> 0;
  // b = rotr64(b ^ c, 24)
  lo = bl ^ cl;
  hi = bh ^ ch;
  bl = (lo >>> 24) | (hi << 8);
  bh = (hi >>> 24) | (lo << 8);
  // a += b + m[y]
  lo = al + (bl >>> 0);
  ah = (ah + bh + (lo >= 0x100000000 ? 1 : 0)) | 0;
  al = lo >>> 0;
  lo = al + m[y];
  ah = (ah + m[y + 1] + (lo >= 0x100000000 ? 1 : 0)) | 0;
  al = lo >>> 0;
  // d = rotr64(d ^ a, 16)
  lo = dl ^ al;
  hi = dh ^ ah;
  dl = (lo >>> 16) | (hi << 16);
  dh = (hi >>> 16) | (lo << 16);
  // c += d
  lo = cl + (dl >>> 0);
  ch = (ch + dh + (lo >= 0x100000000 ? 1 : 0)) | 0;
  cl = lo >>> 0;
  // b = rotr64(b ^ c, 63)
  lo = bl ^ cl;
  hi = bh ^ ch;
  bl = (lo << 1) | (hi >>> 31);
  bh = (hi << 1) | (lo >>> 31);
  v[a] = al;
  v[a + 1] = ah;
  v[b] = bl;
  v[b + 1] = bh;
  v[c] = cl;
  v[c + 1] = ch;
  v[d] = dl;
  v[d + 1] = dh;
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
    for (let g = 0; g < 8; g++) {
      const q = g * 4;
      mix(G[q], G[q + 1], G[q + 2], G[q + 3], SIGMA[s + g * 2], SIGMA[s + g * 2 + 1]);
    }
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
