/**
 * Who fetches an attached URL. Normally this process does; in a sandboxed plugin's Worker, which may not
 * reach the hosts the user attached, `llm` does it on the Worker's behalf, and the Worker sets the relay
 * that asks it. Kept on `globalThis` under a registered symbol, so every copy of this library in the Worker
 * (the plugin may import its own from JSR) sees it.
 * @module
 */

/** Fetches an attached URL elsewhere: the answer (2xx), or an `AttachmentError`. */
export type AttachmentFetchRelay = (url: string, method: "GET" | "HEAD") => Promise<Response>;

const KEY = Symbol.for("@denollm/llm.attachment-fetch-relay");

/** The relay, or `undefined` when this process fetches attached URLs itself. */
export function attachmentFetchRelay(): AttachmentFetchRelay | undefined {
  return (globalThis as Record<symbol, AttachmentFetchRelay | undefined>)[KEY];
}

/** Sets the relay (only the sandbox's Worker calls this). */
export function setAttachmentFetchRelay(relay: AttachmentFetchRelay): void {
  (globalThis as Record<symbol, AttachmentFetchRelay | undefined>)[KEY] = relay;
}
