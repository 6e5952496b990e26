/**
 * BLAKE2b (RFC 7693), unkeyed, with any digest size from 1 to 64 bytes: what Python's
 * `hashlib.blake2b(data, digest_size=16)` computes for logs.db message hashes and schema ids.
 *
 * Written here rather than imported: Deno's `node:crypto` has no variable-size BLAKE2b (and costs a process
 * about 40 ms to load), and loading the first npm package costs ~60-100 ms, which every logged prompt would
 * pay. The compression runs in a small WebAssembly module (assembled by tools/blake2b_wasm.ts), compiled on
 * the first call: on a fresh process, 64-bit arithmetic in JavaScript hashed a 137 KB answer in 15 ms, the
 * module (compiled, then run) in about 5.
 *
 * @module
 */
import { BLAKE2B_WASM, INPUT_OFFSET } from "./_blake2b_wasm.ts";
import { decodeBase64 } from "./base64.ts";

interface Blake2bExports {
  memory: WebAssembly.Memory;
  hash(length: number, size: number): void;
}

/** The largest input the module hashes: its byte counts are signed 32-bit integers. */
const MAX_INPUT = 0x7fffff00;

let engine: Blake2bExports | undefined;
/** The module, once compiled off the thread by {@link compileBlake2b}. */
let compiled: WebAssembly.Module | undefined;

/** The compiled module's exports, compiled and instantiated on first use. */
function blake2bEngine(): Blake2bExports {
  if (!engine) {
    const module = compiled ?? new WebAssembly.Module(decodeBase64(BLAKE2B_WASM));
    engine = new WebAssembly.Instance(module).exports as unknown as Blake2bExports;
  }
  return engine;
}

/**
 * Compiles the module in the background (V8 compiles WebAssembly off the main thread when asked
 * asynchronously), so that the first hash does not compile it: for a caller that knows a hash is coming, e.g.
 * while a response it will log is on its way.
 */
export async function compileBlake2b(): Promise<void> {
  compiled ??= await WebAssembly.compile(decodeBase64(BLAKE2B_WASM));
}

/**
 * The BLAKE2b digest of `data` (up to 2 GiB), `size` bytes long (1 to 64; default 64).
 *
 * @example
 * ```ts
 * import { blake2b } from "./blake2b.ts";
 * blake2b(new TextEncoder().encode("hello"), 16); // 16 bytes: 46fb7408d4f285228f4af516ea25851b
 * ```
 */
export function blake2b(data: Uint8Array, size = 64): Uint8Array {
  if (!Number.isInteger(size) || size < 1 || size > 64) throw new RangeError(`BLAKE2b digest size ${size}`);
  // The module counts bytes in a signed 32-bit integer (and its memory ends at 4 GiB).
  if (data.length > MAX_INPUT) {
    throw new RangeError(`BLAKE2b input of ${data.length} bytes (at most ${MAX_INPUT})`);
  }
  const { memory, hash } = blake2bEngine();
  // The input, zero-padded to whole 128-byte blocks (at least one), after the digest's 64 bytes.
  const padded = Math.max(128, Math.ceil(data.length / 128) * 128);
  const needed = INPUT_OFFSET + padded;
  if (memory.buffer.byteLength < needed) {
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  }
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(data, INPUT_OFFSET);
  bytes.fill(0, INPUT_OFFSET + data.length, needed);
  hash(data.length, size);
  return new Uint8Array(memory.buffer, 0, size).slice();
}

/** Hex of BLAKE2b with a 16-byte digest of the UTF-8 of `text`, as Python's `blake2b(digest_size=16)`. */
export function blake2b128Hex(text: string): string {
  const digest = blake2b(new TextEncoder().encode(text), 16);
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
