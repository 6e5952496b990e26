/**
 * Vectors as embeddings.db stores them: little-endian float32 BLOBs (Python `llm`'s `encode`/`decode`), and
 * the cosine similarity Python `llm similar` ranks by, computed the same way (double precision, summed in
 * order) so scores print the same digits.
 *
 * @module
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `values` as a little-endian float32 BLOB, 4 bytes a value (each value rounded to float32).
 *
 * @example
 * ```ts
 * import { decode, encode } from "./codec.ts";
 * const blob = encode([0.5, -1, 2]);
 * console.log(blob.length, decode(blob)); // 12 [0.5, -1, 2]
 * ```
 */
export function encode(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  if (LITTLE_ENDIAN) {
    new Float32Array(out.buffer).set(values);
    return out;
  }
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/**
 * The float32 values of a BLOB written by {@link encode} (or by Python `llm`), as a view when the bytes are
 * aligned and the machine is little-endian, else as a copy. Trailing bytes short of 4 are ignored.
 */
export function decodeFloat32(blob: Uint8Array): Float32Array {
  const n = Math.floor(blob.byteLength / 4);
  if (LITTLE_ENDIAN && blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, n);
  const out = new Float32Array(n);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The values of a BLOB written by {@link encode} (or by Python `llm`), as plain numbers. */
export function decode(blob: Uint8Array): number[] {
  return Array.from(decodeFloat32(blob));
}

/**
 * Cosine similarity of two vectors of the same length: `dot(a, b) / (|a| * |b|)`, summed in order in
 * double precision as Python `llm`'s `cosine_similarity` does (so the digits match). Extra values of the
 * longer vector are ignored in the dot product, as Python's `zip` ignores them.
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from "./codec.ts";
 * console.log(cosineSimilarity([1, 0], [1, 1])); // 0.7071067811865475
 * ```
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += a[i] * b[i];
  let sa = 0;
  for (let i = 0; i < a.length; i++) sa += a[i] * a[i];
  let sb = 0;
  for (let i = 0; i < b.length; i++) sb += b[i] * b[i];
  return dot / (Math.sqrt(sa) * Math.sqrt(sb));
}
