/**
 * The one place that loads the `marked` Markdown parser, lazily: only when Markdown is rendered on a terminal.
 * Only its lexer is used (the token tree); `lib/terminal/markdown_render.ts` turns tokens into terminal text.
 * @module
 */

/** The `marked` module. */
export type MarkedModule = typeof import("npm:marked@^18");

let cached: Promise<MarkedModule> | undefined;

/** Imports `marked` on first use. */
export function loadMarked(): Promise<MarkedModule> {
  cached ??= import("npm:marked@^18");
  return cached;
}
