/**
 * The one place that loads `eventsource-parser`, lazily: SSE streams of non-OpenAI providers use it.
 * @module
 */

/** The `eventsource-parser` module. */
export type EventSourceParserModule = typeof import("npm:eventsource-parser@^4");

let cached: Promise<EventSourceParserModule> | undefined;

/** Imports `eventsource-parser` on first use. */
export function loadEventSourceParser(): Promise<EventSourceParserModule> {
  cached ??= import("npm:eventsource-parser@^4");
  return cached;
}
