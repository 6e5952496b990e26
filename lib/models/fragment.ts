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

/** A fragment made with `new Fragment(...)`: its text and source, its id, and its text as its string value. */
export interface FragmentInstance extends Fragment {
  /** The SHA-256 hex digest of its text: its id in logs.db (Python's `Fragment.id()`). */
  id(): string;
  /** Its text. */
  toString(): string;
}

/** Makes fragments: `new Fragment(content, source)`. */
export interface FragmentConstructor {
  /** A fragment of `content`, which came from `source` (a URL, a path, `prefix:arg`; `""` when unknown). */
  new (content: string, source?: string): FragmentInstance;
}

/**
 * Python llm's `llm.Fragment(content, source)`: the type `Fragment` is any `{ content, source }` object
 * (what prompts, templates and loaders pass around), and `new Fragment(...)` makes one with `id()` and a
 * string value. Give fragments to `model.prompt(text, { fragments })` or return them from a fragment loader.
 *
 * @example
 * ```ts
 * import { Fragment } from "./fragment.ts";
 * const fragment = new Fragment("The pelican is a large bird", "notes.md");
 * fragment.id(); // "…" (SHA-256 of the text)
 * `${fragment}`; // "The pelican is a large bird"
 * ```
 */
export const Fragment: FragmentConstructor = class Fragment implements FragmentInstance {
  /** The text. */
  readonly content: string;
  /** Where it came from. */
  readonly source: string;
  /** Creates the fragment. */
  constructor(content: string, source = "") {
    this.content = content;
    this.source = source;
  }
  /** The SHA-256 hex digest of its text. */
  id(): string {
    return fragmentHash(this.content);
  }
  /** Its text. */
  toString(): string {
    return this.content;
  }
};
