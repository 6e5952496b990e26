/**
 * The one place that loads `@noble/hashes` BLAKE2b, lazily: only writing logs (message hashes) and schema ids
 * need it. Deno's `node:crypto` cannot produce a 16-byte BLAKE2b digest; this matches Python's
 * `hashlib.blake2b(data, digest_size=16)`.
 * @module
 */

type Blake2b = (data: Uint8Array, opts?: { dkLen?: number }) => Uint8Array;

let cached: Promise<Blake2b> | undefined;

/** Imports BLAKE2b on first use. */
export function loadBlake2b(): Promise<Blake2b> {
  cached ??= import("npm:@noble/hashes@^2/blake2.js").then((m) => m.blake2b as Blake2b);
  return cached;
}

/** Hex digest of BLAKE2b with a 16-byte digest of the UTF-8 text, as Python's `blake2b(digest_size=16)`. */
export async function blake2b128Hex(text: string): Promise<string> {
  const blake2b = await loadBlake2b();
  const digest = blake2b(new TextEncoder().encode(text), { dkLen: 16 });
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
