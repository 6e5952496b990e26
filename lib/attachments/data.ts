/**
 * The JSON-safe form of an attachment inside a message part, as Python `llm` 0.32 serialises it.
 * @module
 */

/** An attachment inside a part: a file path, a URL or base64 content, with its MIME type. */
export interface AttachmentData {
  /** MIME type, e.g. `image/png`. */
  type?: string;
  /** URL of a remote attachment. */
  url?: string;
  /** Absolute path of a local file. */
  path?: string;
  /** Base64 of inline content. */
  content?: string;
}
