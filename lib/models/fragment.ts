/**
 * A fragment: a piece of text placed before the prompt (`-f`) or system prompt (`--sf`), stored once in
 * logs.db under the SHA-256 of its content.
 * @module
 */
import { sha256Hex } from "../compat/sha256.ts";

/** A fragment's text and where it came from (a URL, an absolute path, `-`, or what a loader says). */
export interface Fragment {
  /** The text. */
  content: string;
  /** Where it came from; `""` when unknown. */
  source: string;
}

/** A fragment's id in logs.db: the SHA-256 hex digest of its UTF-8 text (Python `Fragment.id()`). */
export function fragmentHash(content: string): string {
  return sha256Hex(content);
}
