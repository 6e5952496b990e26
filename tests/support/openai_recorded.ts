/**
 * Recorded OpenAI API exchanges (`tests/fixtures/openai-recorded/*.json`): real requests and the raw responses
 * the API sent, streamed ones as SSE text. The loopback server replays the responses; tests of the providers
 * can compare the requests they send with the recorded ones.
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

/** One recorded request and the response the real API gave to it. */
export interface RecordedExchange {
  /** The request as the official client sent it (headers are left out of the recordings). */
  // deno-lint-ignore no-explicit-any
  request: { method: string; path: string; body: any };
  /** The response: status, content type and body text (raw SSE text when it was streamed). */
  response: { status: number; content_type: string; body: string };
}

/** A recorded fixture that is missing, malformed, or has no exchange at the index asked for. */
export class RecordedFixtureError extends Error {
  /** Creates the error with an actionable `message`. */
  constructor(message: string) {
    super(message);
    this.name = "RecordedFixtureError";
  }
}

/** The folder the fixtures live in. */
export const RECORDED_DIR: URL = new URL("../fixtures/openai-recorded/", import.meta.url);

const cache = new Map<string, RecordedExchange[]>();

/**
 * Loads (once, synchronously) the exchanges of a fixture: a file name in `tests/fixtures/openai-recorded/`,
 * with or without `.json`, or an absolute path.
 */
export function loadRecording(file: string): RecordedExchange[] {
  const path = isAbsolute(file)
    ? file
    : fileURLToPath(new URL(file.endsWith(".json") ? file : `${file}.json`, RECORDED_DIR));
  const cached = cache.get(path);
  if (cached) return cached;
  if (!existsSync(path)) {
    throw new RecordedFixtureError(
      `Recorded fixture '${file}' not found at ${path}: copy it into tests/fixtures/openai-recorded/`,
    );
  }
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { interactions?: RecordedExchange[] };
  if (!Array.isArray(parsed.interactions)) {
    throw new RecordedFixtureError(`Recorded fixture '${file}' has no 'interactions' list: check the file`);
  }
  cache.set(path, parsed.interactions);
  return parsed.interactions;
}

/** Exchange `index` (default 0) of a fixture, failing with the valid range when there is no such exchange. */
export function recordedExchange(file: string, index = 0): RecordedExchange {
  const exchanges = loadRecording(file);
  const exchange = exchanges[index];
  if (!exchange) {
    const range = `use an index from 0 to ${exchanges.length - 1}`;
    throw new RecordedFixtureError(`Recorded fixture '${file}' has no interaction ${index}: ${range}`);
  }
  return exchange;
}
