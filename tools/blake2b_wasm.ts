/**
 * Assembles the WebAssembly module behind `lib/compat/blake2b.ts` from its instructions, and writes it (as
 * base64) into `lib/compat/_blake2b_wasm.ts`: BLAKE2b's compression needs 64-bit additions and rotations,
 * which WebAssembly has and JavaScript does not. The module's one function, `hash(length, size)`, hashes the
 * `length` bytes at {@link INPUT_OFFSET} in its exported memory, zero-padded by the caller to a whole number
 * of 128-byte blocks, and leaves the digest's state words at offset 0.
 *
 * The rounds are unrolled, with the state, the working vector and the message block in locals, each mix one
 * chain of stack operations, so that even the baseline code of a first call hashes at about 40 MB/s.
 *
 * The bytes are committed rather than assembled at run time, because assembling them in JavaScript that has
 * not warmed up took 19 ms, more than the hashing it saves; tests/blake2b_test.ts checks that the committed
 * module is what this file assembles.
 *
 * ```sh
 * deno run --allow-write=lib/compat tools/blake2b_wasm.ts
 * ```
 *
 * @module
 */
import { encodeBase64 } from "../lib/compat/base64.ts";

/** Where the input starts in the module's memory; the 64 bytes before it receive the digest. */
export const INPUT_OFFSET = 64;

/** The generated module's path. */
export const GENERATED_PATH = new URL("../lib/compat/_blake2b_wasm.ts", import.meta.url);

/** BLAKE2b's initialisation vector (SHA-512's), as signed 64-bit values for `i64.const`. */
const IV = [
  0x6a09e667f3bcc908n,
  0xbb67ae8584caa73bn,
  0x3c6ef372fe94f82bn,
  0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n,
  0x9b05688c2b3e6c1fn,
  0x1f83d9abfb41bd6bn,
  0x5be0cd19137e2179n,
].map((word) => BigInt.asIntN(64, word));

/** The message word order of rounds 0 to 9 (rounds 10 and 11 repeat 0 and 1). */
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
];

/** The working-vector words (a, b, c, d) of a round's eight mixes: four columns, then four diagonals. */
const MIXES = [
  [0, 4, 8, 12],
  [1, 5, 9, 13],
  [2, 6, 10, 14],
  [3, 7, 11, 15],
  [0, 5, 10, 15],
  [1, 6, 11, 12],
  [2, 7, 8, 13],
  [3, 4, 9, 14],
];

// Opcodes used below (WebAssembly core specification, binary format).
const LOOP = 0x03, END = 0x0b, BR_IF = 0x0d, SELECT = 0x1b, VOID = 0x40;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I64_LOAD = 0x29, I64_STORE = 0x37;
const I32_CONST = 0x41, I64_CONST = 0x42, I32_EQZ = 0x45, I32_GT_S = 0x4a, I32_ADD = 0x6a, I32_SUB = 0x6b;
const I64_ADD = 0x7c, I64_SUB = 0x7d, I64_XOR = 0x85, I64_ROTR = 0x8a, I64_EXTEND_I32_U = 0xad;
const I32 = 0x7f, I64 = 0x7e;

// The function's locals: its two parameters, then the block offset, the last-block flag, the byte counter,
// the state h0-h7, the working vector v0-v15 and the message words m0-m15.
const LENGTH = 0, SIZE = 1, OFFSET = 2, LAST = 3, COUNTER = 4;
const h = (i: number) => 5 + i;
const v = (i: number) => 13 + i;
const m = (i: number) => 29 + i;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function sleb(n: bigint): number[] {
  const out: number[] = [];
  while (true) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && !(byte & 0x40)) || (n === -1n && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** The instructions of `hash`, without its local declarations. */
function hashBody(): number[] {
  const code: number[] = [];
  const get = (local: number) => code.push(LOCAL_GET, ...uleb(local));
  const set = (local: number) => code.push(LOCAL_SET, ...uleb(local));
  const tee = (local: number) => code.push(LOCAL_TEE, ...uleb(local));
  const i64 = (value: bigint) => code.push(I64_CONST, ...sleb(value));
  // One mix of words a, b, c, d with message words x and y, as one chain on the stack:
  // a += b + x; d = rotr(d ^ a, 32); c += d; b = rotr(b ^ c, 24);
  // a += b + y; d = rotr(d ^ a, 16); c += d; b = rotr(b ^ c, 63).
  const mix = (a: number, b: number, c: number, d: number, x: number, y: number) => {
    // With the new a on the stack: d = rotr(d ^ a, dBits); c += d; b = rotr(b ^ c, bBits), b left on it.
    const spread = (dBits: bigint, bBits: bigint) => {
      get(d);
      code.push(I64_XOR);
      i64(dBits);
      code.push(I64_ROTR);
      tee(d);
      get(c);
      code.push(I64_ADD);
      tee(c);
      get(b);
      code.push(I64_XOR);
      i64(bBits);
      code.push(I64_ROTR);
    };
    get(a);
    get(b);
    code.push(I64_ADD);
    get(x);
    code.push(I64_ADD);
    tee(a);
    spread(32n, 24n);
    tee(b);
    get(a);
    code.push(I64_ADD);
    get(y);
    code.push(I64_ADD);
    tee(a);
    spread(16n, 63n);
    set(b);
  };

  // h = IV, with the parameter block (digest size, no key, fanout 1, depth 1) folded into h0.
  for (let i = 0; i < 8; i++) {
    i64(IV[i]);
    set(h(i));
  }
  get(h(0));
  i64(0x01010000n);
  get(SIZE);
  code.push(I64_EXTEND_I32_U, I64_XOR, I64_XOR);
  set(h(0));

  code.push(LOOP, VOID);
  // last = !(length - offset > 128): the last block, possibly partial (or the one empty block of no input).
  get(LENGTH);
  get(OFFSET);
  code.push(I32_SUB, I32_CONST, ...sleb(128n), I32_GT_S, I32_EQZ);
  set(LAST);
  // counter = last ? length : offset + 128 (the bytes hashed once this block is in)
  get(LENGTH);
  get(OFFSET);
  code.push(I32_CONST, ...sleb(128n), I32_ADD);
  get(LAST);
  code.push(SELECT, I64_EXTEND_I32_U);
  set(COUNTER);
  for (let i = 0; i < 16; i++) {
    get(OFFSET);
    code.push(I64_LOAD, 3, ...uleb(INPUT_OFFSET + 8 * i));
    set(m(i));
  }
  for (let i = 0; i < 8; i++) {
    get(h(i));
    set(v(i));
    i64(IV[i]);
    set(v(8 + i));
  }
  get(v(12));
  get(COUNTER);
  code.push(I64_XOR);
  set(v(12));
  // v14 = ~v14 for the last block: v14 ^ (0 - last)
  get(v(14));
  i64(0n);
  get(LAST);
  code.push(I64_EXTEND_I32_U, I64_SUB, I64_XOR);
  set(v(14));
  for (let round = 0; round < 12; round++) {
    const s = SIGMA[round % 10];
    MIXES.forEach(([a, b, c, d], i) => mix(v(a), v(b), v(c), v(d), m(s[2 * i]), m(s[2 * i + 1])));
  }
  for (let i = 0; i < 8; i++) {
    get(h(i));
    get(v(i));
    code.push(I64_XOR);
    get(v(8 + i));
    code.push(I64_XOR);
    set(h(i));
  }
  get(OFFSET);
  code.push(I32_CONST, ...sleb(128n), I32_ADD);
  set(OFFSET);
  get(LAST);
  code.push(I32_EQZ, BR_IF, 0, END);

  for (let i = 0; i < 8; i++) {
    code.push(I32_CONST, 0);
    get(h(i));
    code.push(I64_STORE, 3, ...uleb(8 * i));
  }
  code.push(END);
  return code;
}

/** "\0asm", then version 1. */
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...new TextEncoder().encode(text)];
}

/**
 * The module's bytes: one function `hash(length: i32, size: i32)` and one exported memory of one page (the
 * caller grows it to fit its input).
 */
export function blake2bModuleBytes(): Uint8Array<ArrayBuffer> {
  // Two runs of locals: 2 i32 (offset, last), then 41 i64 (counter, h, v, m).
  const locals = [...uleb(2), ...uleb(2), I32, ...uleb(1 + 8 + 16 + 16), I64];
  const body = [...locals, ...hashBody()];
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(1, [1, 0x60, 2, I32, I32, 0]), // one type: (i32, i32) -> ()
    ...section(3, [1, 0]), // one function, of that type
    ...section(5, [1, 0x00, 1]), // one memory, at least one page
    ...section(7, [2, ...name("memory"), 0x02, 0, ...name("hash"), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** The text of `lib/compat/_blake2b_wasm.ts`: the module as base64, in lines the formatter keeps. */
export function generatedSource(): string {
  const base64 = encodeBase64(blake2bModuleBytes());
  const lines = base64.match(/.{1,100}/g) ?? [];
  return [
    "/**",
    " * The BLAKE2b WebAssembly module of `blake2b.ts`, as base64. Generated by tools/blake2b_wasm.ts (which says",
    " * what it holds and how it was built): do not edit; run `deno run --allow-write=lib/compat",
    " * tools/blake2b_wasm.ts` after changing the tool.",
    " * @module",
    " */",
    "",
    "/** Where the input starts in the module's memory; the 64 bytes before it receive the digest. */",
    `export const INPUT_OFFSET = ${INPUT_OFFSET};`,
    "",
    "/** The module's bytes, base64. */",
    "export const BLAKE2B_WASM: string = [",
    ...lines.map((line) => `  "${line}",`),
    '].join("");',
    "",
  ].join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(GENERATED_PATH, generatedSource());
  console.log(`Wrote ${GENERATED_PATH.pathname}`);
}
