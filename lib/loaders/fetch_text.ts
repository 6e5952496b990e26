/**
 * Fetching a fragment or template from an `http(s)://` URL as Python `llm` does: a `User-Agent: llm/<version>`
 * header, at most 3 redirects, and an error for any status other than 2xx.
 * @module
 */
import { LlmError } from "../errors.ts";
import { VERSION } from "../version.ts";

/** The User-Agent sent when fetching fragments and templates. */
export const USER_AGENT = `llm/${VERSION} (https://jsr.io/@denollm/llm)`;

/** How many redirects are followed before giving up (as Python `llm`). */
export const MAX_REDIRECTS = 3;

/** A URL could not be fetched: a network error, a bad status or too many redirects. */
export class FetchTextError extends LlmError {
  /** The URL asked for. */
  readonly url: string;
  /** What went wrong, e.g. `HTTP 404 Not Found`. */
  readonly reason: string;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** Creates the error for `url`; `reason` says what went wrong. */
  constructor(url: string, reason: string, options: { status?: number; cause?: unknown } = {}) {
    super(`Could not fetch ${url}: ${reason}`, { cause: options.cause });
    this.url = url;
    this.reason = reason;
    this.status = options.status;
  }
}

/** True for `http://` and `https://` URLs. */
export function isHttpUrl(value: string): boolean {
  return value.startsWith("http://") || value.startsWith("https://");
}

/**
 * GETs `url` and returns its body as text (UTF-8), following up to {@link MAX_REDIRECTS} redirects.
 * @throws {FetchTextError} on a network error, a non-2xx status or too many redirects.
 */
export async function fetchText(url: string, signal?: AbortSignal): Promise<string> {
  let current = url;
  for (let redirects = 0;; redirects++) {
    let response: Response;
    try {
      response = await fetch(current, { headers: { "User-Agent": USER_AGENT }, redirect: "manual", signal });
    } catch (error) {
      throw new FetchTextError(url, `${(error as Error).message}. Check the URL and your connection`, {
        cause: error,
      });
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (redirects >= MAX_REDIRECTS) {
        throw new FetchTextError(url, `more than ${MAX_REDIRECTS} redirects`, { status: response.status });
      }
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      const text = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      throw new FetchTextError(url, text, { status: response.status });
    }
    return await response.text();
  }
}
