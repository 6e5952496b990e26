/**
 * Fetching a URL attachment (`HEAD` for its type, `GET` for its bytes), with errors worded as Python `llm`
 * 0.32 words them where it can (httpx's `Client error '404 Not Found' for url '...'`), on one line.
 * @module
 */
import { AttachmentError } from "./errors.ts";

/** Why a fetch failed, in a few words: `connection refused`, `unknown host`, or the runtime's message. */
function networkReason(error: unknown): string {
  const messages = [error, (error as { cause?: unknown })?.cause]
    .map((e) => (e instanceof Error ? e.message : "")).join(" ");
  if (/connection refused/i.test(messages)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known|no such host/i.test(messages)) {
    return "unknown host";
  }
  if (/timed out/i.test(messages)) return "the connection timed out";
  if (/invalid url|relative url/i.test(messages)) return "not a valid URL";
  return (error instanceof Error ? error.message : String(error)) || "the request failed";
}

/**
 * The answer to `method` on `url`, following redirects; a 2xx answer only.
 * @throws {AttachmentError} when the URL cannot be reached or answers with an error status.
 */
export async function fetchAttachment(
  url: string,
  method: "GET" | "HEAD",
  signal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method, redirect: "follow", signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new AttachmentError(`Could not fetch ${url}: ${networkReason(error)}`, {
      source: url,
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel();
    const kind = response.status >= 500
      ? "Server error"
      : response.status >= 400
      ? "Client error"
      : "Redirect";
    const status = `${response.status} ${response.statusText}`.trimEnd();
    throw new AttachmentError(`${kind} '${status}' for url '${url}'`, {
      source: url,
      status: response.status,
    });
  }
  return response;
}
