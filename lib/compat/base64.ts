/**
 * Base64 for bytes (attachments, the BLAKE2b module's committed bytes): the runtime's
 * `Uint8Array.prototype.toBase64` / `Uint8Array.fromBase64` where it has them (Deno 2.5+), else `btoa`/`atob`
 * in chunks.
 * @module
 */

type NativeBase64 = { toBase64?: () => string };
type NativeFrom = { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> };

/** `bytes` as standard base64 (with padding). */
export function encodeBase64(bytes: Uint8Array): string {
  const native = (bytes as unknown as NativeBase64).toBase64;
  if (native) return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The bytes of standard base64 `text`.
 * @throws {SyntaxError} when `text` is not base64.
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as NativeFrom).fromBase64;
  if (native) return native(text.replace(/\s+/g, ""));
  const binary = atob(text.replace(/\s+/g, ""));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
