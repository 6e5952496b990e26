/**
 * ULIDs, as Python `llm` uses for response and conversation ids: 26 Crockford base32 characters, lowercase,
 * the first ten the millisecond timestamp. Ids made in the same millisecond keep increasing.
 *
 * @module
 */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/**
 * A new lowercase ULID, monotonic within this process.
 *
 * @example
 * ```ts
 * import { ulid } from "./ulid.ts";
 * ulid(); // "01jm4c9y3v8q7t6x5w4e3r2k1a"
 * ```
 */
export function ulid(now: number = Date.now()): string {
  if (now <= lastTime) {
    // Same millisecond: increment the random part, as monotonic ULID generators do.
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      if (lastRandom[i] < 31) {
        lastRandom[i]++;
        break;
      }
      lastRandom[i] = 0;
    }
    now = lastTime;
  } else {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    lastRandom = Array.from(bytes, (b) => b % 32);
    lastTime = now;
  }
  return encodeTime(now) + lastRandom.map((n) => ALPHABET[n]).join("");
}

/** The millisecond timestamp encoded in a ULID. */
export function ulidTime(id: string): number {
  let ms = 0;
  for (const ch of id.slice(0, 10).toLowerCase()) ms = ms * 32 + ALPHABET.indexOf(ch);
  return ms;
}
